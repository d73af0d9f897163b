import type { Cluster, Entry } from './feed-cluster.js';

/*
 * The writers of every ledger kind and the state checks of the feed followers test of every kind
 * (test/e2e/feed-followers-kinds.test.ts), on the servers of test/support/feed-cluster.ts.
 */

type Body = Record<string, unknown> & { reservationId?: string; success?: { id: string }[] };

/** Sends until answered (same body, any server, up to 60 s); the answer's body when acknowledged. */
export async function send(
  cluster: Cluster,
  i: number,
  method: string,
  path: string,
  body?: unknown,
): Promise<Body | undefined> {
  for (let n = i, deadline = Date.now() + 60_000; Date.now() < deadline; n++) {
    const response = await cluster.call(n, method, path, body);
    if (response?.ok) return (await response.json()) as Body;
    // Refused (409 not enough stock, 404 a reservation or partition gone): nothing to retry.
    if (response && response.status < 500) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${method} ${path} was not answered within 60 s`);
}

const DAY = 86_400_000;
const dateIn = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

/** Enables change schedules (and, later, changes the published measures): a configuration.updated entry. */
export async function hardUpdate(cluster: Cluster, publish: boolean): Promise<void> {
  const config = (await send(cluster, 0, 'GET', '/configuration')) as Record<string, unknown>;
  config.scheduleConfiguration = {
    ...(config.scheduleConfiguration as object),
    isScheduleEnabled: true,
    atpCalculatedMeasures: { pos: { availquantity: 30 } },
  };
  if (publish)
    config.feedConfiguration = {
      publishedMeasures: ['iv.availabletoreserve', '@iv.@available_to_allocate', 'pos.inbound'],
    };
  if (!(await send(cluster, 0, 'POST', '/configuration/hardupdate', config)))
    throw new Error('the hard update was refused');
}

/** Deletes the data of one partition that holds some (a partition.cleanup entry per partition). */
export async function cleanUp(cluster: Cluster, partitionId: string): Promise<void> {
  await send(cluster, 1, 'DELETE', '/partitions/cleanupalldata', [partitionId]);
}

/**
 * Writers of every kind racing on a few products through every server: on-hand changes and sets,
 * reservations (with and without expiry) then, on them, releases, unreserves, offsets and extensions,
 * allocations (allocate, then unallocate, reallocate or consume) and change schedules. Returns the
 * acknowledged event ids.
 */
export async function writeEveryKind(
  cluster: Cluster,
  workers: number,
  rounds: number,
  pause: () => Promise<void>,
): Promise<Set<string>> {
  const acked = new Set<string>();
  const write = async (id: string, i: number, path: string, body: unknown) => {
    const answer = await send(cluster, i, 'POST', path, body);
    const bulk = answer?.success;
    if (bulk) for (const s of bulk) acked.add(s.id);
    else if (answer) acked.add(id);
    return answer;
  };
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      let reservation = '';
      let reserved: Record<string, unknown> & { productId?: string } = {};
      for (let r = 0; r < rounds; r++) {
        const productId = `P${(w + r) % 3}`;
        const site = String(1 + ((w + Math.floor(r / 6)) % 2)); // one site per worker and cycle of six
        const dimensions = { siteId: site, locationId: '11', colorId: 'red' };
        const base = { organizationId: 'usmf', productId, dimensions };
        const i = w + r;
        const id = `${w}-${r}`;
        switch (r % 6) {
          case 0:
            // Stock for every product at both sites, so that the reservations below find some.
            await write(`c-${id}`, i, '/onhand/bulk', [
              ...['P0', 'P1', 'P2'].flatMap((p) =>
                ['1', '2'].map((s) => ({
                  ...base,
                  id: `c-${id}-${p}-${s}`,
                  productId: p,
                  dimensions: { ...dimensions, siteId: s },
                  quantities: { pos: { inbound: 4 } },
                })),
              ),
            ]);
            break;
          case 1: {
            // A second's expiry for workers 0 and 3: 3 units, of which the two releases of 1 below (one
            // each, perhaps on the same reservation) leave some for the expiry; worker 3's is unchecked.
            const expiring = w % 3 === 0;
            const answer = await write(`r-${id}`, i, '/onhand/reserve', {
              ...base,
              id: `r-${id}`,
              quantities: { iv: { softreserved: expiring ? 3 : 2 } },
              ifCheckAvailForReserv: w % 2 === 0,
              ttlSeconds: expiring ? 1 : 600,
            });
            reservation = answer?.reservationId ?? '';
            reserved = base;
            break;
          }
          case 2:
            await write(`s-${id}`, i, '/setonhand/pos/bulk', [
              { ...base, id: `s-${id}`, quantities: { pos: { inbound: 10 + w } } },
            ]);
            break;
          case 3: {
            const on = { organizationId: 'usmf', productId: reserved.productId, reservationId: reservation };
            if (!reservation) break;
            if (w % 3 === 0) {
              // Expiring in a second: a later reservation of its scope (or the sweep) ends it.
              await write(`x-${id}`, i, '/onhand/reserve', {
                ...reserved,
                id: `x-${id}`,
                quantities: { iv: { softreserved: -1 } },
                ifCheckAvailForReserv: false,
              });
            } else if (w % 3 === 1) {
              await write(`u-${id}`, i, '/onhand/unreserve', { ...on, id: `u-${id}`, OffsetQty: 1 });
              await send(cluster, i, 'POST', `/onhand/reservations/${reservation}/extend`, {
                ttlSeconds: 900,
              });
            } else {
              await write(`o-${id}`, i, '/onhand/offset', {
                ...reserved,
                ...on,
                id: `o-${id}`,
                quantities: { pos: { outbound: 1 } },
                offsetQty: 1,
              });
            }
            break;
          }
          case 4: {
            const at = { ...base, dimensions: { siteId: site, locationId: '11' } };
            const web = { channel: 'web', customerGroup: 'VIP' };
            await write(`a-${id}`, i, '/allocation/allocate', {
              ...at,
              id: `a-${id}`,
              groups: web,
              quantity: 2,
            });
            const next = `n-${id}`;
            if (w % 3 === 0)
              await write(next, i, '/allocation/unallocate', { ...at, id: next, groups: web, quantity: 1 });
            else if (w % 3 === 1)
              await write(next, i, '/allocation/reallocate', {
                ...at,
                id: next,
                groups: { channel: 'stores' },
                sourceGroups: web,
                quantity: 1,
              });
            else
              await write(next, i, '/allocation/consume', {
                ...at,
                id: next,
                groups: web,
                quantity: 1,
                physicalMeasures: { pos: { inbound: 'Subtraction' } },
              });
            break;
          }
          default:
            await write(`d-${id}`, i, '/onhand/changeschedule', {
              ...base,
              id: `d-${id}`,
              quantitiesByDate: { [dateIn(1 + (w % 3))]: { pos: { inbound: 1 + w } } },
            });
        }
        await pause();
      }
    }),
  );
  return acked;
}

const keyOf = (
  c: { productId: string; dimensions: unknown; dataSource: string; measure: string },
  date = '',
) => `${c.productId}|${JSON.stringify(c.dimensions)}|${c.dataSource}|${c.measure}|${date}`;

/** Stored values (stock, and scheduled ones by date) moved by the changes of `entries` after `after`. */
export function rebuiltAll(
  entries: readonly Entry[],
  from: { position: number; state: ReadonlyMap<string, number> } = { position: 0, state: new Map() },
): Map<string, number> {
  const state = new Map(from.state);
  for (const e of entries) {
    if (Number(e.position) <= from.position) continue;
    for (const c of e.changes) {
      const key = keyOf(c, c.date);
      const value = Math.round(((state.get(key) ?? 0) + c.delta) * 1e6) / 1e6;
      if (value === 0) state.delete(key);
      else state.set(key, value);
    }
  }
  return state;
}

/** The stored stock and scheduled values from …/snapshot, with the feed position they are consistent with. */
export async function storedState(
  cluster: Cluster,
  i = 0,
): Promise<{ position: number; state: Map<string, number> }> {
  for (let n = i; ; n++) {
    const response = await cluster.call(n, 'GET', '/snapshot');
    const lines = response?.ok ? (await response.text()).trimEnd().split('\n') : [];
    const end =
      lines.length > 0 ? (JSON.parse(lines.at(-1) ?? '') as { type: string; position: string }) : null;
    if (end?.type !== 'end') {
      await new Promise((resolve) => setTimeout(resolve, 50)); // a server down, or the stream cut
      continue;
    }
    const state = new Map<string, number>();
    for (const line of lines) {
      const r = JSON.parse(line) as Parameters<typeof keyOf>[0] & {
        type: string;
        quantity: string;
        date?: string;
      };
      if ((r.type === 'stock' || r.type === 'schedule') && Number(r.quantity) !== 0)
        state.set(keyOf(r, r.date), Number(r.quantity));
    }
    return { position: Number(end.position), state };
  }
}
