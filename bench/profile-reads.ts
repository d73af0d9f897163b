import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuOf, perRequestUs } from './cpu.js';
import { load } from './load.js';
import { adminToken, startOnhand } from './server.js';
import { changeEvent, ORG } from './workloads/events.js';

/*
 * A steady-state profile of W3's query (docs/benchmarks.md): npx tsx bench/profile-reads.ts
 *   [--postgres-url postgres://…] [--clients 64] [--seconds 8] [--dir /tmp/prof] [--bounded]
 * Starts one server with --cpu-prof (SQLite unless a PostgreSQL URL is given: a fresh database on it),
 * seeds W3's product, warms up for 3 s, loads it for the given seconds and stops the server, so that the
 * profile holds mostly the queries. Prints the server's CPU per query; summarise the profile with
 * bench/profile-summary.ts.
 */
const { values: flags } = parseArgs({
  options: {
    'postgres-url': { type: 'string' },
    clients: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '8' },
    dir: { type: 'string', default: join(tmpdir(), 'onhand-profile') },
    bounded: { type: 'boolean', default: false },
  },
});
const PATH = '/api/environment/w3/onhand/indexquery';
const dir = mkdtempSync(join(tmpdir(), 'onhand-profile-reads-'));
const postgresUrl = flags['postgres-url'];
let databaseUrl: string | undefined;
let drop = async () => {};
if (postgresUrl) {
  const pg = (await import('pg')).default;
  const name = `onhand_profile_${process.pid}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`).finally(() => admin.end());
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  databaseUrl = url.toString();
  drop = async () => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => client.end());
  };
}
const server = await startOnhand({
  dataDir: join(dir, 'server'),
  databaseUrl,
  environments: ['w3'],
  nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${flags.dir}`],
});
try {
  const token = await adminToken(server.url);
  const events: string[] = [];
  for (let site = 1; site <= 2; site++)
    for (let location = 1; location <= 5; location++)
      for (const colorId of ['red', 'blue'])
        for (const sizeId of ['M', 'L']) {
          const dims = { siteId: String(site), locationId: `${site}${location}`, colorId, sizeId };
          events.push(changeEvent(`seed-${site}-${location}-${colorId}-${sizeId}`, 'Q1', dims, 5));
        }
  const seeded = await fetch(`${server.url}/api/environment/w3/onhand/bulk`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: `[${events.join(',')}]`,
  });
  if (!seeded.ok) throw new Error(`seeding failed: ${seeded.status}`);
  const body = JSON.stringify({
    filters: { organizationId: [ORG], productId: ['Q1'] },
    groupByValues: ['colorId', 'sizeId'],
    returnNegative: true,
  });
  const request = {
    method: 'POST' as const,
    path: PATH,
    body,
    ...(flags.bounded ? { headers: { 'onhand-consistency': 'bounded' } } : {}),
  };
  const connections = Number(flags.clients);
  await load({ url: server.url, token, request, connections, seconds: 3 });
  const [result, cpu] = await cpuOf([server.pid], () =>
    load({ url: server.url, token, request, connections, seconds: Number(flags.seconds) }),
  );
  console.log(
    `${postgresUrl ? 'postgres' : 'sqlite'}, ${connections} clients: ${Math.round(result.rps)} req/s, ` +
      `p50 ${result.p50} ms, p99 ${result.p99} ms, non-2xx ${result.non2xx}; ` +
      `server CPU ${perRequestUs(cpu, result.requests)} µs/query`,
  );
} finally {
  await server.stop();
  await drop();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`profiles in ${flags.dir}: ${readdirSync(flags.dir).join(', ')}`);
