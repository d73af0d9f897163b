import { join } from 'node:path';
import { cpuOf, perRequestUs } from '../cpu.js';
import { type LoadResult, load } from '../load.js';
import { type BenchServer, startOnhand, startProcess } from '../server.js';
import { type BenchContext, expectNoErrors, type Measurement, ratio, type Workload } from '../workload.js';
import { changeEvent, ORG } from './events.js';
import { seed } from './seed.js';

/** A product with 4 variants (2 colours × 2 sizes) stocked in 10 stores: an answer of 40 rows. */
const COLORS = ['red', 'blue'];
const SIZES = ['M', 'L'];
const SITES = 2;
const LOCATIONS_PER_SITE = 5;
const PATH = '/api/environment/w3/onhand/indexquery';

/**
 * W3: one product across all its locations, grouped by colour and size, at 1, 16 and 64 clients,
 * against its own ceiling: an empty POST route that answers a precomputed body of the size of W3's
 * answer (docs/benchmarks.md). On PostgreSQL also with two server processes on the database, 32
 * clients each.
 */
export const w3ProductQuery: Workload = {
  id: 'W3',
  title: 'single-product query (index query, grouped by colour and size)',
  environmentId: 'w3',
  writes: false,
  async run(ctx) {
    const events: string[] = [];
    for (let site = 1; site <= SITES; site++)
      for (let location = 1; location <= LOCATIONS_PER_SITE; location++)
        for (const colorId of COLORS)
          for (const sizeId of SIZES) {
            const dims = { siteId: String(site), locationId: `${site}${location}`, colorId, sizeId };
            events.push(changeEvent(`seed-${site}-${location}-${colorId}-${sizeId}`, 'Q1', dims, 5));
          }
    await seed(ctx, 'w3', events);
    const body = JSON.stringify({
      filters: { organizationId: [ORG], productId: ['Q1'] },
      groupByValues: ['colorId', 'sizeId'],
      returnNegative: true,
    });
    const answerBytes = await answerSize(ctx, body);
    const notes = `${events.length} stock rows in ${SITES * LOCATIONS_PER_SITE} locations, answer ${answerBytes} bytes`;
    const ceilingServer = await startProcess({
      script: 'bench/ceilings/empty-server.ts',
      args: (port) => [String(port), String(answerBytes)],
      env: {},
      readyPath: '/empty',
    });
    const ceilings = new Map<number, LoadResult>();
    const ceilingCpu = new Map<number, number>();
    try {
      for (const connections of [1, 16, 64]) {
        const [result, cpu] = await cpuOf([ceilingServer.pid], () =>
          load({
            url: ceilingServer.url,
            request: { method: 'POST', path: '/answer', body },
            connections,
            seconds: Math.max(2, Math.round(ctx.seconds / 2)),
          }),
        );
        ceilings.set(connections, result);
        ceilingCpu.set(connections, perRequestUs(cpu, result.requests));
      }
    } finally {
      await ceilingServer.stop();
    }
    const measurements: Measurement[] = [];
    for (const connections of [1, 16, 64]) {
      const [result, cpu] = await cpuOf([ctx.pid], () =>
        load({
          url: ctx.url,
          token: ctx.token,
          request: { method: 'POST', path: PATH, body },
          connections,
          seconds: ctx.seconds,
        }),
      );
      check(result);
      const cpuNote = cpuNotes(perRequestUs(cpu, result.requests), ceilingCpu.get(connections));
      console.log(`   ${connections} clients: ${Math.round(result.rps)} req/s; ${cpuNote}`);
      const ceiling = ceilings.get(connections)?.rps ?? 0;
      measurements.push({
        workload: 'W3',
        label: `product query, ${connections} clients`,
        unit: 'req/s',
        value: result.rps,
        p50: result.p50,
        p99: result.p99,
        baseline: { name: `answer ceiling, ${connections} conn.`, value: ceiling },
        ratio: ratio(result.rps, ceiling),
        ...(connections === 64 && ctx.backend === 'sqlite'
          ? {
              target: '≥ 0.5 × answer ceiling, p99 < 10 ms',
              met: ratio(result.rps, ceiling) >= 0.5 && result.p99 < 10,
            }
          : {}),
        notes: `${notes}; ${cpuNote}`,
      });
    }
    if (ctx.backend === 'postgres') {
      const ceiling = ceilings.get(64)?.rps ?? 0;
      const [result, cpuNote] = await twoServers(ctx, body, ceilingCpu.get(64));
      console.log(`   2 servers × 32 clients: ${Math.round(result.rps)} req/s; ${cpuNote}`);
      measurements.push({
        workload: 'W3',
        label: 'product query, 2 servers × 32 clients',
        unit: 'req/s',
        value: result.rps,
        p50: result.p50,
        p99: result.p99,
        baseline: { name: 'answer ceiling, 64 conn.', value: ceiling },
        ratio: ratio(result.rps, ceiling),
        target: '≥ 0.35 × answer ceiling, p99 < 10 ms',
        met: ratio(result.rps, ceiling) >= 0.35 && result.p99 < 10,
        notes: `${notes}; default (strict) consistency; ${cpuNote}`,
      });
    }
    return { measurements, acknowledgedEvents: 0 };
  },
};

function check(result: LoadResult): void {
  expectNoErrors('W3', result);
  if (result.non2xx > 0) throw new Error(`W3: ${result.non2xx} queries failed`);
}

async function answerSize(ctx: BenchContext, body: string): Promise<number> {
  const response = await fetch(`${ctx.url}${PATH}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/json' },
    body,
  });
  if (!response.ok) throw new Error(`W3: the query answered ${response.status}`);
  return Buffer.byteLength(await response.text());
}

/** 64 clients split over the bench server and a second server process on the same database. */
async function twoServers(
  ctx: BenchContext,
  body: string,
  ceilingUs: number | undefined,
): Promise<[LoadResult, string]> {
  let second: BenchServer | undefined;
  try {
    second = await startOnhand({
      dataDir: join(ctx.workDir, 'server'),
      databaseUrl: ctx.databaseUrl,
      environments: ['w3'],
    });
    const urls = [ctx.url, second.url];
    // The first server is warm from the steps before; warm the second one the same way (JIT, its view).
    await load({
      url: second.url,
      token: ctx.token,
      request: { method: 'POST', path: PATH, body },
      connections: 16,
      seconds: 2,
    });
    const [results, cpu] = await cpuOf([ctx.pid, second.pid], () =>
      Promise.all(
        urls.map((url) =>
          load({
            url,
            token: ctx.token,
            request: { method: 'POST', path: PATH, body },
            connections: 32,
            seconds: ctx.seconds,
          }),
        ),
      ),
    );
    for (const result of results) check(result);
    const requests = results.reduce((sum, r) => sum + r.requests, 0);
    const cpuNote = cpuNotes(perRequestUs(cpu, requests), ceilingUs);
    const total: LoadResult = {
      connections: 64,
      seconds: ctx.seconds,
      requests,
      ok: results.reduce((sum, r) => sum + r.ok, 0),
      non2xx: 0,
      errors: 0,
      rps: results.reduce((sum, r) => sum + r.rps, 0),
      // The median of the two medians is not a median: report the larger p50 and p99 (conservative).
      p50: Math.max(...results.map((r) => r.p50)),
      p99: Math.max(...results.map((r) => r.p99)),
    };
    return [total, cpuNote];
  } finally {
    await second?.stop();
  }
}

/**
 * Server CPU per query beside the ceiling's CPU per answer: on this shared machine the rates move with
 * other work, the CPU per request much less, and their ratio is the rate ratio a CPU-bound server
 * would reach on an idle machine (the database's own CPU on PostgreSQL not counted).
 */
function cpuNotes(serverUs: number, ceilingUs: number | undefined): string {
  const ratio = ceilingUs && serverUs ? (ceilingUs / serverUs).toFixed(2) : '?';
  return `server CPU ${serverUs} µs/query, ceiling ${ceilingUs ?? '?'} µs/answer (CPU ratio ${ratio})`;
}
