import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { load, serverCpu } from './load.js';
import { adminToken, startOnhand } from './server.js';
import { changeEvent, reserveEvent } from './workloads/events.js';
import { seed } from './workloads/seed.js';

/*
 * Server CPU per reservation through HTTP at a fixed offered rate: `onhand serve` on SQLite (or on a
 * fresh PostgreSQL database with --postgres-url), W4's hot product or W5's 10,000 products, 64
 * connections sending `--rate` requests per second in all. At a fixed rate the server does the same
 * background work per second whatever the build, so CPU per answer compares builds on a busy machine,
 * where rates do not. Usage: npx tsx bench/http-cpu.ts [--spread] [--rate 1000] [--seconds 10]
 *   [--postgres-url postgres://…] [--profile dir]
 */
const { values: flags } = parseArgs({
  options: {
    spread: { type: 'boolean', default: false },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    'postgres-url': { type: 'string' },
    profile: { type: 'string' },
  },
});
const products = flags.spread ? 10_000 : 1;
const product = (i: number) => (flags.spread ? `S${i}` : 'HOT');
const dir = mkdtempSync(join(tmpdir(), 'onhand-http-cpu-'));
let databaseUrl: string | undefined;
let drop = async () => {};
if (flags['postgres-url']) {
  const name = `onhand_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: flags['postgres-url'] });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`).finally(() => admin.end());
  const url = new URL(flags['postgres-url']);
  url.pathname = `/${name}`;
  databaseUrl = url.toString();
  drop = async () => {
    const client = new pg.Client({ connectionString: flags['postgres-url'] });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => client.end());
  };
}
const server = await startOnhand({
  dataDir: join(dir, 'server'),
  databaseUrl,
  environments: ['w4'],
  ...(flags.profile ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${flags.profile}`] } : {}),
});
try {
  const token = await adminToken(server.url);
  const ctx = { url: server.url, token } as Parameters<typeof seed>[0];
  const stock = Array.from({ length: products }, (_, i) =>
    changeEvent(`stock-${i}`, product(i), { siteId: '1', locationId: '11' }, 5_000_000),
  );
  await seed(ctx, 'w4', stock);
  const bodies = Array.from({ length: products }, (_, i) => reserveEvent('[<id>]', product(i)));
  const request = {
    method: 'POST' as const,
    path: '/api/environment/w4/onhand/reserve',
    makeBody: () => bodies[Math.floor(Math.random() * products)] as string,
    uniqueIds: true,
  };
  await load({ url: server.url, token, request, connections: 64, seconds: 2 }); // warm-up
  serverCpu.watch(server.pid, server.url);
  const rate = Number(flags.rate);
  const result = await load({
    url: server.url,
    token,
    request,
    connections: 64,
    seconds: Number(flags.seconds),
    rate,
  });
  console.log(
    `${flags.spread ? 'spread' : 'hot'} at ${rate}/s offered: ${Math.round(result.rps)} answered/s, ` +
      `p50 ${result.p50} ms, p99 ${result.p99} ms, non-2xx ${result.non2xx}, ` +
      `server CPU ${result.serverCpuUs?.toFixed(1)} µs per answer`,
  );
} finally {
  await server.stop();
  await drop();
  rmSync(dir, { recursive: true, force: true });
}
