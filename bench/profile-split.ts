import { readFileSync } from 'node:fs';

/*
 * Splits a V8 CPU profile of the server under W4 or W5 (`npm run bench -- --only W4 --profile dir`)
 * into the parts of a reservation request: HTTP (body parse, auth, answer, the rest of Fastify and
 * Node's HTTP), the engine's preparation (command, request hash, the rest), the batch (ledger append,
 * row and reservation writes, scope and event reads, the rest of the transaction: BEGIN, COMMIT and
 * its fsync), the OCI graph lookup, the feed, garbage collection, start-up and seeding. Each sample
 * goes to the first part whose test matches a frame of its stack, in the order listed. Samples are wall
 * time: a COMMIT blocked in fsync counts as the batch's. With the number of answers, prints µs per
 * answer. On PostgreSQL the pg work is split into the batch's pipeline, the pool's statements and the
 * reply parsing, before the other parts (their socket writes would count as HTTP's otherwise).
 * Usage: npx tsx bench/profile-split.ts file.cpuprofile [answers] [part: list its top stacks]
 * With --ingest, a W1 profile (`--only W1 --profile dir`) is split instead into the parts of a bulk
 * on-hand request, µs per event when the number of events is given (the ledger entries the run wrote).
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const ingest = args.includes('--ingest');
const [file, answersArg, detail] = args.filter((a) => a !== '--ingest');
if (!file) throw new Error('usage: profile-split.ts file.cpuprofile [answers] [part]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const answers = Number(answersArg ?? 0);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const any = (pattern: RegExp) => (frames: readonly string[]) => frames.some((f) => pattern.test(f));
type Part = readonly [string, (frames: readonly string[]) => boolean];
const COMMON: readonly Part[] = [
  ['idle', (f) => f[0]?.startsWith('(idle)') === true],
  ['garbage collection', (f) => f[0]?.startsWith('(garbage collector)') === true],
  ['(program)', (f) => f[0]?.startsWith('(program)') === true],
  ['start-up (module loading)', any(/internal\/modules|tsx\/dist|cjs-module-lexer|source_map/)],
];
const RESERVATIONS: readonly Part[] = [
  ...COMMON,
  ['seeding (on-hand batches)', any(/onhand-batch|changeOnHand/)],
  ['OCI graph lookup before the batch', any(/^getGraph /)],
  ['feed, checkpoints, spans', any(/feed|checkpoint|span|committed-tail/)],
  ['batch: ledger append', any(/^(appendLedger|appendAtCommit) /)],
  // PostgreSQL: the batch's statements go through the store's pipeline; every other statement (the OCI
  // graph check before each reservation, the sequencer's stamping, feed reads) through pg's pool and
  // Query objects. A reply is parsed before it is known whose it is: that is the third part.
  [
    'PostgreSQL: the batch pipeline (encode, send, handle replies)',
    any(/postgres\/(pipeline|prepared-statements)/),
  ],
  ['PostgreSQL: pool statements (OCI graph check, stamping, feed reads)', any(/pg-pool|pg\/lib\/query\.js/)],
  ['PostgreSQL: reply parsing (pg-protocol, either path)', any(/pg-protocol|\/pg\/lib\//)],
  ['batch: row and reservation writes', any(/^flush /)],
  ['batch: scope and event reads', any(/loadMany|loadScopes|EventRegistry|findEvents|readScopes/)],
  [
    "batch: the rest (BEGIN, COMMIT and its fsync, the items' checks)",
    any(/sqlite-store|group-commit|reservation-batch|sqlite-tx|serial-queue/),
  ],
  ['engine: request hash', any(/^requestHash /)],
  ['engine: command', any(/^toReserveCommand /)],
  ['engine: the rest of the preparation', any(/engine\/reservations|with-configuration|environments/)],
  ['HTTP: validation', any(/^canonicalKeys |validation\.ts/)],
  ['HTTP: body parse', any(/secure-json-parse|defaultJsonParser/)],
  ['HTTP: auth', any(/src\/auth\/|http\/context\.ts/)],
  [
    'HTTP: answer (envelope, serialise, write)',
    any(/envelope|http\/json\.ts|onSend|writePayload|_http_outgoing|stream_base|Reply\./),
  ],
  ['HTTP: the rest (Fastify, Node)', () => true],
];
const INGEST: readonly Part[] = [
  ...COMMON,
  ['checkpoints: spans written', any(/^writeSpan |checkpoint/)],
  ['feed: sums, tail, stamping', any(/feed|committed-spans|committed-tail|span-sums|sequencer/)],
  ['batch: ledger append', any(/^(appendLedger|appendAtCommit) /)],
  ['batch: row reads', any(/^(loadRows|readRows) /)],
  ['batch: row writes', any(/^writeRows /)],
  ['batch: event lookup', any(/EventRegistry|findEvents|event-registry/)],
  [
    'batch: the rest (applying, BEGIN, COMMIT and its fsync)',
    any(/onhand-batch|sqlite-store|group-commit|sqlite-tx|postgres-t[xr]|pipeline\.ts|serial-queue/),
  ],
  ['engine: request hash', any(/^requestHash /)],
  ['engine: command', any(/^toChangeCommand /)],
  ['engine: the rest of the preparation', any(/onhand-writes|with-configuration|environments/)],
  ['HTTP: validation', any(/^(canonicalKeys|parseItems) |validation\.ts/)],
  ['HTTP: body parse', any(/secure-json-parse|defaultJsonParser/)],
  ['HTTP: auth', any(/src\/auth\/|http\/context\.ts/)],
  [
    'HTTP: answer (buckets, serialise, write)',
    any(/envelope|http\/json\.ts|onSend|writePayload|_http_outgoing|stream_base|Reply\./),
  ],
  ['pg driver outside the batch (replies, parsing)', any(/node_modules\/pg/)],
  ['HTTP: the rest (Fastify, Node)', () => true],
];
const PARTS = ingest ? INGEST : RESERVATIONS;

const sums = new Map<string, number>();
const stacks = new Map<string, number>();
let total = 0;
for (const [i, id] of profile.samples.entries()) {
  const us = profile.timeDeltas[i] ?? 0;
  total += us;
  const frames: string[] = [];
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const node = byId.get(at);
    if (!node) break;
    frames.push(`${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url}`);
  }
  const part = PARTS.find(([, test]) => test(frames))?.[0] ?? '?';
  sums.set(part, (sums.get(part) ?? 0) + us);
  if (part === detail) {
    const key = frames
      .slice(0, 3)
      .map((f) => f.replace(/file:\/\/\S*\/(src|node_modules)\//, ''))
      .join(' < ');
    stacks.set(key, (stacks.get(key) ?? 0) + us);
  }
}
const per = (us: number) => (answers > 0 ? `${(us / answers).toFixed(1).padStart(7)} µs` : '');
console.log(`total ${(total / 1e6).toFixed(2)} s of samples${answers > 0 ? `, ${answers} answers` : ''}`);
for (const [part, us] of [...sums].sort((a, b) => b[1] - a[1])) {
  console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${per(us)}  ${part}`);
}
for (const [key, us] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, 30))
  console.log(`${per(us)}  ${key}`);
