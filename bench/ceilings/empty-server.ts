import Fastify from 'fastify';

/**
 * The HTTP ceiling: a Fastify server whose routes do nothing, in its own process like the real
 * server. GET /empty answers `{}`; POST /empty parses the JSON body and answers `{}` (the ceiling
 * for bulk writes, which pay for parsing their body); POST /answer parses the body and answers a
 * precomputed JSON body of the size given as the second argument (the ceiling for queries whose
 * answers have that size, W3).
 */
const port = Number(process.argv[2]);
const answerBytes = Number(process.argv[3] ?? 2);
const answer = `{"pad":"${'x'.repeat(Math.max(0, answerBytes - 10))}"}`;
const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
app.get('/empty', async () => ({}));
app.post('/empty', async () => ({}));
app.post('/answer', async (_request, reply) => reply.type('application/json').send(answer));
await app.listen({ port, host: '127.0.0.1' });
process.on('SIGTERM', () => {
  app.close().then(() => process.exit(0));
});
