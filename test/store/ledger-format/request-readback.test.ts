import { describe, expect, it } from 'vitest';
import { defaultConfiguration } from '../../../src/domain/config/default-configuration.js';
import type { Engine } from '../../../src/engine/engine.js';
import type { LedgerEntry, Store } from '../../../src/store/store.js';
import { testBackends } from '../../support/backends.js';
import { emptyOldDatabase, engineOn, freshDatabase } from './legacy-ledger.js';

/*
 * "Every accepted request can be read back as it was sent", whatever format holds its ledger entry: each
 * write kind that records a request (on-hand change, single and bulk; count; reserve and release;
 * unreserve; offset; schedule change; allocate and unallocate) is sent once, and the ledger (the store's
 * readLedger) and the feed (engine.ledger, which the ledger API serves) give back its normalised request.
 */
const ENV = 'requests';
const AT = { siteId: '1', locationId: '11' };
const DAY = '2026-12-06';

/** Every write kind that records a request, each sent once; the bodies as sent, by event id. */
async function writeEveryKind(engine: Engine): Promise<Map<string, unknown>> {
  const sent = new Map<string, unknown>();
  const config = defaultConfiguration(ENV);
  config.scheduleConfiguration = {
    ...config.scheduleConfiguration,
    isScheduleEnabled: true,
    atpCalculatedMeasures: { pos: { availquantity: 30 } },
  };
  await engine.environments.create(ENV);
  await engine.environments.replace(ENV, config);
  const ok = (outcomes: { status: string }[]) =>
    expect(
      outcomes.map((o) => o.status),
      JSON.stringify(outcomes, (_, v) => (typeof v === 'bigint' ? String(v) : v)),
    ).toEqual(outcomes.map(() => 'success'));
  const change = (id: string, productId: string, inbound: number, extra: Record<string, unknown> = {}) => ({
    id,
    organizationId: 'usmf',
    productId,
    dimensions: { ...AT, ColorId: 'Red' },
    quantities: { pos: { inbound, outbound: 0.25 } },
    ...extra,
  });
  const single = change('single', 'P0', 40);
  const bulk = [change('bulk-0', 'P0', 10.5), change('bulk-1', 'P1', 7)];
  ok(await engine.changeOnHand(ENV, [{ path: '', input: single }] as never));
  ok(await engine.changeOnHand(ENV, bulk.map((input, i) => ({ path: `/${i}`, input })) as never));
  const count = {
    id: 'count',
    organizationId: 'usmf',
    productId: 'P1',
    dimensions: AT,
    quantities: { pos: { inbound: 12 } },
    modifiedDateTimeUTC: '2026-12-05T10:00:00+01:00',
  };
  ok(await engine.setOnHand(ENV, 'pos', [{ path: '/0', input: count }] as never));
  const reserveOf = (id: string, quantity: number, check: boolean) => ({
    id,
    organizationId: 'usmf',
    productId: 'P0',
    dimensions: { ...AT, ColorId: 'Red' },
    quantityDataSource: 'iv',
    modifier: 'softreserved',
    quantity,
    ifCheckAvailForReserv: check,
  });
  const reserve = reserveOf('reserve', 5, true);
  const [reserved] = await engine.reservations.reserve(ENV, [{ path: '', input: reserve }] as never);
  ok([reserved ?? { status: 'missing' }]);
  const reservationId = (reserved?.extra as { reservationId?: string } | undefined)?.reservationId;
  const release = reserveOf('release', -1, false);
  ok(await engine.reservations.reserve(ENV, [{ path: '', input: release }] as never));
  const unreserve = { id: 'unreserve', organizationId: 'usmf', productId: 'P0', reservationId, OffsetQty: 1 };
  ok(await engine.reservations.unreserve(ENV, [{ path: '', input: unreserve }] as never));
  const offset = { ...change('offset', 'P0', -2), reservationId, offsetQty: 2 };
  ok(await engine.reservations.offset(ENV, [{ path: '', input: offset }] as never));
  const schedule = {
    id: 'schedule',
    organizationId: 'usmf',
    productId: 'P2',
    dimensions: AT,
    quantitiesByDate: { [DAY]: { pos: { inbound: 5 } } },
  };
  ok(await engine.schedules.change(ENV, [{ path: '', input: schedule }] as never));
  const allocation = (id: string, quantity: number) => ({
    id,
    organizationId: 'usmf',
    productId: 'P1',
    dimensions: AT,
    groups: { Channel: 'web' },
    quantity,
  });
  const allocate = allocation('allocate', 3);
  ok(await engine.allocations.write(ENV, 'allocate', [{ path: '', input: allocate }] as never));
  const unallocate = allocation('unallocate', 1.5);
  ok(await engine.allocations.write(ENV, 'unallocate', [{ path: '', input: unallocate }] as never));
  const bodies = { single, count, reserve, release, unreserve, offset, schedule, allocate, unallocate };
  for (const [id, body] of Object.entries(bodies)) sent.set(id, body);
  for (const body of bulk) sent.set(body.id, body);
  return sent;
}

/*
 * The normalised request of each body sent (http/schemas/ledger.ts: "The normalised request"): the ids
 * and values as sent; dimension names lowercased and sorted, quantities as exact decimal text, instants
 * in UTC; with what the write derived from it (its kind, the partition, the measures it checks).
 */
const RED = { colorid: 'Red', locationid: '11', siteid: '1' };
const PLAIN = { locationid: '11', siteid: '1' };
const onHand = (kind: string, eventId: string, productId: string, dims: object, values: object[]) => ({
  kind,
  eventId,
  organizationId: 'usmf',
  productId,
  dimensions: dims,
  partitionId: 'usmf~1~11',
  values,
  countedAt: null,
});
const pos = (measure: string, value: string) => ({ dataSource: 'pos', measure, value });
const reserveRequest = (eventId: string, quantity: string, check: boolean) => ({
  kind: 'reserve',
  eventId,
  organizationId: 'usmf',
  productId: 'P0',
  dimensions: RED,
  partitionId: 'usmf~1~11',
  dataSource: 'iv',
  measure: 'softreserved',
  quantity,
  check,
  afr: { dataSource: 'iv', measure: 'availabletoreserve' },
  expiresAt: null,
});
const allocationRequest = (kind: string, quantity: string) => ({
  kind,
  eventId: kind,
  organizationId: 'usmf',
  productId: 'P1',
  dimensions: PLAIN,
  partitionId: 'usmf~1~11',
  groups: ['web'],
  sourceGroups: null,
  quantity,
  measures: [],
});

function expectedRequests(reservationId: string): Record<string, unknown> {
  return {
    single: onHand('onhand.change', 'single', 'P0', RED, [pos('inbound', '40'), pos('outbound', '0.25')]),
    'bulk-0': onHand('onhand.change', 'bulk-0', 'P0', RED, [pos('inbound', '10.5'), pos('outbound', '0.25')]),
    'bulk-1': onHand('onhand.change', 'bulk-1', 'P1', RED, [pos('inbound', '7'), pos('outbound', '0.25')]),
    count: {
      ...onHand('onhand.set', 'count', 'P1', PLAIN, [pos('inbound', '12')]),
      countedAt: '2026-12-05T09:00:00.000Z',
    },
    reserve: reserveRequest('reserve', '5', true),
    release: reserveRequest('release', '-1', false),
    unreserve: {
      kind: 'unreserve',
      eventId: 'unreserve',
      organizationId: 'usmf',
      productId: 'P0',
      reservationId,
      quantity: '1',
    },
    offset: {
      kind: 'offset',
      change: onHand('onhand.change', 'offset', 'P0', RED, [pos('inbound', '-2'), pos('outbound', '0.25')]),
      reservationId,
      reservationDimensions: RED,
      quantity: '2',
    },
    schedule: {
      kind: 'schedule.change',
      eventId: 'schedule',
      organizationId: 'usmf',
      productId: 'P2',
      dimensions: PLAIN,
      partitionId: 'usmf~1~11',
      entries: [{ date: DAY, dataSource: 'pos', measure: 'inbound', value: '5' }],
    },
    allocate: allocationRequest('allocate', '3'),
    unallocate: allocationRequest('unallocate', '1.5'),
  };
}

/** Every entry with an event id reads back, from the ledger and from the feed, with its request. */
async function expectRequestsReadBack(store: Store, engine: Engine, sent: Map<string, unknown>) {
  const ledger = (await store.readLedger(ENV, 0, 1000)).filter((e) => e.eventId !== null);
  const reservationId = ledger.find((e) => e.eventId === 'reserve')?.reference ?? '';
  const expected = expectedRequests(reservationId);
  expect(Object.keys(expected).sort()).toEqual([...sent.keys()].sort());
  const requests = (entries: readonly LedgerEntry[]) =>
    Object.fromEntries(entries.filter((e) => e.eventId !== null).map((e) => [e.eventId, e.request]));
  expect(requests(ledger)).toEqual(expected);
  await store.feed.settleAll(10_000);
  expect(requests(await engine.ledger(ENV, 0, 1000))).toEqual(expected);
  // Every id and text value of each body sent is in its request as sent; an instant is the same instant.
  for (const [id, body] of sent) {
    const text = JSON.stringify(expected[id]);
    for (const [key, value] of Object.entries(body as Record<string, unknown>))
      if (key === 'modifiedDateTimeUTC')
        expect(Date.parse((expected[id] as { countedAt: string }).countedAt)).toBe(Date.parse(String(value)));
      else if (typeof value === 'string') expect(text).toContain(JSON.stringify(value));
  }
}

describe.each(testBackends())('every accepted request reads back as it was sent, on %s', (backend) => {
  it('in format 2 (a new database), each kind that records a request', async () => {
    const cleanups: (() => Promise<void>)[] = [];
    try {
      const db = await freshDatabase(backend, cleanups);
      const store = await db.open();
      const engine = await engineOn(store);
      cleanups.unshift(() => engine.drain());
      const sent = await writeEveryKind(engine);
      const formats = await db.sql('SELECT DISTINCT format FROM ledger WHERE event_id IS NOT NULL');
      expect(formats.map((r) => Number(r.format)).sort()).toEqual([2, 3]);
      await expectRequestsReadBack(store, engine, sent);
    } finally {
      for (const cleanup of cleanups) await cleanup();
    }
  });

  it('in format 1 (a database an earlier release made), and the same once converted to format 2', async () => {
    const cleanups: (() => Promise<void>)[] = [];
    try {
      const db = await emptyOldDatabase(backend, cleanups);
      const store = await db.open();
      const engine = await engineOn(store);
      cleanups.unshift(() => engine.drain());
      const sent = await writeEveryKind(engine);
      const formats = await db.sql('SELECT DISTINCT format FROM ledger');
      expect(formats.map((r) => r.format)).toEqual([null]);
      await expectRequestsReadBack(store, engine, sent);
      await store.ledgerFormat.writeNewest('2026-12-03T12:00:00.000Z');
      const converted = await db.open();
      while (!(await converted.ledgerFormat.convert(4)).finished);
      expect(await db.sql('SELECT seq FROM ledger WHERE format IS NULL')).toEqual([]);
      await expectRequestsReadBack(converted, await engineOn(converted), sent);
    } finally {
      for (const cleanup of cleanups) await cleanup();
    }
  });
});
