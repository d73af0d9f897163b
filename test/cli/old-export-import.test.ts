import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runImportCommand } from '../../src/cli/import-command.js';
import { runLedgerFormatCommand } from '../../src/cli/ledger-format-command.js';
import { dimensionsKey } from '../../src/domain/dimensions.js';
import type { LedgerEntry } from '../../src/store/store.js';
import {
  CHANGES,
  engineOn,
  exportedLedger,
  FIXTURES,
  freshDatabase,
  legacyStore,
} from '../store/ledger-format/legacy-ledger.js';
import { testBackends } from '../support/backends.js';

const seen = (e: LedgerEntry) => ({
  eventId: e.eventId,
  kind: e.kind,
  recordedAt: e.recordedAt,
  request: e.request,
  outcome: e.outcome,
  changes: e.changes,
  reference: e.reference,
});

/**
 * An export file of the release before ledger format 2 (test/fixtures/ledger-v1), loaded with
 * `onhand import` into a database of this release: written in the newest format, it reads back, replays,
 * answers retries and as-of queries as the old database it came from does after its upgrade.
 */
describe.each(testBackends())('onhand import of an old export file on %s', (backend) => {
  it('loads it into a new database in the newest format, and it answers as the upgraded old database', async () => {
    const cleanups: (() => Promise<void>)[] = [];
    try {
      const db = await freshDatabase(backend, cleanups);
      const messages: string[] = [];
      const code = await runImportCommand([join(FIXTURES, 'export-v1.ndjson'), '--environment', 'moved'], {
        openStore: async () => {
          const store = await db.open();
          await store.migrate();
          return store;
        },
        stderr: { isTTY: false, write: (text: string) => messages.push(text) } as never,
      });
      expect(code, messages.join('')).toBe(0);
      const exported = exportedLedger();
      expect(messages.at(-1)).toContain(`${exported.length} ledger entries`);
      // Written in format 2 or 3, the newest (a new database writes it from the start).
      const formats = await db.sql('SELECT DISTINCT format FROM ledger');
      expect(formats.map((r) => Number(r.format)).sort()).toEqual([2, 3]);

      const store = await db.open();
      const engine = await engineOn(store);
      cleanups.unshift(() => engine.drain());
      const feed = await engine.ledger('moved', 0, 1000);
      expect(feed.map(seen)).toEqual(exported.map(seen));
      expect(feed.map((e) => e.position)).toEqual(feed.map((_, i) => i + 1));
      // The replay of its ledger equals its stock.
      const sums = new Map<string, bigint>();
      for (const c of feed.flatMap((e) => e.changes)) {
        if (c.date !== undefined) continue;
        const key = [c.productId, dimensionsKey(c.dimensions), c.dataSource, c.measure].join('|');
        sums.set(key, (sums.get(key) ?? 0n) + c.delta);
      }
      const stock = new Map(
        (await store.readStock('moved', { organizationIds: ['usmf'] })).map((r) => [
          [r.productId, dimensionsKey(r.dimensions), r.dataSource, r.measure].join('|'),
          r.quantity,
        ]),
      );
      expect(sums).toEqual(stock);
      // A retry of an event the old release accepted is answered, not applied again.
      const [retry] = await engine.changeOnHand('moved', CHANGES.slice(4, 5) as never);
      expect([retry?.replayed, retry?.status, retry?.id]).toEqual([true, 'success', 'e4']);

      // It answers, now and as of a past position, as the old database itself does once upgraded.
      const old = await legacyStore(backend, cleanups);
      const oldEngine = await engineOn(old);
      cleanups.unshift(() => oldEngine.drain());
      const answers = (e: typeof engine, env: string) =>
        Promise.all(
          ['12', undefined].map((asOf) =>
            e.indexQuery(
              env,
              {
                filters: { organizationId: ['usmf'], productId: ['p0', 'p1', 'p2'] },
                groupByValues: ['siteId', 'locationId', 'colorId'],
                returnNegative: true,
              } as never,
              asOf === undefined ? {} : { asOf },
            ),
          ),
        );
      expect(await answers(engine, 'moved')).toEqual(await answers(oldEngine, 'legacy'));

      // Nothing to convert.
      const lines: string[] = [];
      const run = (...args: string[]) =>
        runLedgerFormatCommand(args, { store, out: (line) => lines.push(line) });
      expect(await run('status')).toBe(0);
      expect(lines.pop()).toMatch(/^Servers write ledger format 2; 0 entries converted/);
    } finally {
      for (const cleanup of cleanups) await cleanup();
    }
  });
});
