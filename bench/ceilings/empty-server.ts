import Fastify from 'fastify';

/**
 * The HTTP ceiling: a Fastify server whose routes do nothing, in its own process like the real
 * server. GET /empty answers `{}`; POST /empty parses the JSON body and answers `{}` (the ceiling
 * for bulk writes, which pay for parsing their body).
 */
const port = Number(process.argv[2]);
const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
app.get('/empty', async () => ({}));
app.post('/empty', async () => ({}));
await app.listen({ port, host: '127.0.0.1' });
process.on('SIGTERM', () => {
  app.close().then(() => process.exit(0));
});
