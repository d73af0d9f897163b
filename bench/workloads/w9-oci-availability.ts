import { type LoadResult, load } from '../load.js';
import { startProcess } from '../server.js';
import { type BenchContext, expectNoErrors, type Measurement, ratio, type Workload } from '../workload.js';
import { ORG } from './events.js';
import { seed } from './seed.js';

/** 10 SKUs × 10 locations: the OCI limit of 100 SKU-places in one get-availability. */
const SKUS = Array.from({ length: 10 }, (_, i) => `oci-sku-${i}`);
const LOCATIONS = Array.from({ length: 10 }, (_, i) => `store-${i}`);
const PATH = '/inventory/availability/v1/organizations/w9/availability-records/actions/get-availability';

/**
 * W9: OCI get-availability of 100 SKU-places (10 SKUs at 10 locations, each an IV place with on hand
 * in iom.onhand), at 1 and 16 clients, against the ceiling of an empty POST route answering a body of
 * the same size (as W3).
 */
export const w9OciAvailability: Workload = {
  id: 'W9',
  title: 'OCI get-availability of 100 SKU-places',
  environmentId: 'w9',
  writes: false,
  async run(ctx) {
    const graph = await fetch(`${ctx.url}/inventory/impex/v1/organizations/w9/location-graph`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ locations: LOCATIONS, groups: [{ id: 'all', locations: LOCATIONS }] }),
    });
    if (!graph.ok) throw new Error(`W9: graph upload answered ${graph.status}`);
    const events = SKUS.flatMap((sku, s) =>
      LOCATIONS.map((location, l) =>
        JSON.stringify({
          id: `seed-${s}-${l}`,
          organizationId: ORG,
          productId: sku,
          dimensions: { siteId: location, locationId: location },
          quantities: { iom: { onhand: 10 + s + l } },
        }),
      ),
    );
    await seed(ctx, 'w9', events);
    const body = JSON.stringify({ skus: SKUS, locations: LOCATIONS });
    const answerBytes = await answerSize(ctx, body);
    const notes = `${SKUS.length} SKUs × ${LOCATIONS.length} locations, answer ${answerBytes} bytes`;
    const ceilingServer = await startProcess({
      script: 'bench/ceilings/empty-server.ts',
      args: (port) => [String(port), String(answerBytes)],
      env: {},
      readyPath: '/empty',
    });
    const ceilings = new Map<number, LoadResult>();
    try {
      for (const connections of [1, 16])
        ceilings.set(
          connections,
          await load({
            url: ceilingServer.url,
            request: { method: 'POST', path: '/answer', body },
            connections,
            seconds: Math.max(2, Math.round(ctx.seconds / 2)),
          }),
        );
    } finally {
      await ceilingServer.stop();
    }
    const measurements: Measurement[] = [];
    for (const connections of [1, 16]) {
      const result = await load({
        url: ctx.url,
        token: ctx.token,
        request: { method: 'POST', path: PATH, body },
        connections,
        seconds: ctx.seconds,
      });
      expectNoErrors('W9', result);
      if (result.non2xx > 0) throw new Error(`W9: ${result.non2xx} requests failed`);
      const ceiling = ceilings.get(connections)?.rps ?? 0;
      measurements.push({
        workload: 'W9',
        label: `OCI get-availability (100 SKU-places), ${connections} clients`,
        unit: 'req/s',
        value: result.rps,
        p50: result.p50,
        p99: result.p99,
        baseline: { name: `answer ceiling, ${connections} conn.`, value: ceiling },
        ratio: ratio(result.rps, ceiling),
        notes,
      });
    }
    return { measurements, acknowledgedEvents: 0 };
  },
};

async function answerSize(ctx: BenchContext, body: string): Promise<number> {
  const response = await fetch(`${ctx.url}${PATH}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/json' },
    body,
  });
  if (!response.ok)
    throw new Error(`W9: get-availability answered ${response.status} ${await response.text()}`);
  return Buffer.byteLength(await response.text());
}
