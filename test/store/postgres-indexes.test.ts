import { describe, expect, it } from 'vitest';
import * as reservationSql from '../../src/store/postgres/reservation-statements.js';
import * as scheduleSql from '../../src/store/postgres/schedule-statements.js';
import * as sql from '../../src/store/postgres/statements.js';
import { ENV } from './fixtures.js';
import { describeOnPostgres, withDatabase } from './postgres-handle.js';

/* The PostgreSQL statements that must be served by an index (the plans EXPLAIN shows). */

describeOnPostgres(() => {
  describe('PostgreSQL store', () => {
    it('hot statements are served by their indexes', () =>
      withDatabase(async (_handle, db) => {
        // Which plan wins on an empty table is up to the planner; what is asserted is that an index can serve
        // each statement (and its order) once the alternatives are priced out.
        await db.query('SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_sort = off');
        const plan = async (text: string, values: unknown[]) =>
          (await db.query(`EXPLAIN ${text}`, values)).rows
            .map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN'])
            .join('\n');
        const product = [ENV, 'org1', 'p1', 'o~s~l'];
        // [statement, parameters, index it must use, whether it may sort]. Which stock index serves a
        // site filter depends on statistics, so it is not asserted here.
        const cases: [string, unknown[], RegExp, boolean?][] = [
          [sql.readStockSql([]), [ENV, ['org1']], /stock_by_product/],
          [sql.READ_ROWS, [ENV, ['org1'], ['p1'], ['{}'], ['pos'], ['inbound']], /stock_by_product/, true],
          [sql.READ_PRODUCT_ROWS, product, /stock_by_product|stock_pkey/],
          [sql.FIND_EVENTS, [ENV, 'change', ['e1']], /ledger_event_id/],
          [sql.READ_LEDGER, [ENV, 0, 10], /ledger_pkey/],
          [sql.READ_LEDGER_BY_REFERENCE, [ENV, 'r1', 10], /ledger_by_reference/],
          [reservationSql.READ_OPEN_RESERVATIONS, product, /reservations_open/],
          [reservationSql.READ_RESERVATIONS, [ENV, ['r1']], /reservations_by_id/],
          [reservationSql.GET_RESERVATION, [ENV, 'r1'], /reservations_by_id/],
          [reservationSql.LIST_DUE_RESERVATIONS, ['2024-05-01', 10], /reservations_due/],
          [reservationSql.NEXT_EXPIRY, [], /reservations_due/],
        ];
        for (const [text, values, index, sorts] of cases) {
          const shown = await plan(text, values);
          expect(shown).toMatch(index);
          if (!sorts) expect(shown).not.toMatch(/Sort/);
        }
      }));

    it('schedule statements are served by their indexes on an analysed table', () =>
      withDatabase(async (_handle, db) => {
        // 2 environments × 3 organizations × 10 products × 10 sites × 5 locations × 10 dates.
        await db.query(`INSERT INTO schedule SELECT 'env-' || e, 'org' || o || '~s' || s || '~l' || l, 'org' || o,
          'p' || p, '{"locationid":"l' || l || '","siteid":"s' || s || '"}', 's' || s, 'l' || l, 'pos', 'inbound',
          to_char(date '2024-06-01' + d, 'YYYY-MM-DD'), 1000000
          FROM generate_series(1, 2) e, generate_series(1, 3) o, generate_series(1, 10) p, generate_series(1, 10) s,
            generate_series(1, 5) l, generate_series(0, 9) d`);
        await db.query('ANALYZE schedule');
        // A bitmap scan reads in physical order; without it, what is asserted is that an index serves the order.
        await db.query('SET enable_bitmapscan = off');
        const plan = async (text: string, values: unknown[]) =>
          (await db.query(`EXPLAIN ${text}`, values)).rows
            .map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN'])
            .join('\n');
        const env = 'env-1';
        const key = [
          ['org1'],
          ['p1'],
          ['{"locationid":"l1","siteid":"s1"}'],
          ['pos'],
          ['inbound'],
          ['2024-06-03'],
        ];
        const cursor = ['org1~s1~l1', 'org1', 'p1', '{}', 'pos', 'inbound', '2024-06-03'];
        // [statement, parameters, index it must use, whether it may sort]. Whether a site filter uses
        // schedule_by_site depends on how selective it is, so it is not asserted here.
        const cases: [string, unknown[], RegExp, boolean?][] = [
          [scheduleSql.READ_SCHEDULE_ROWS, [env, ...key], /schedule_by_product /, true],
          [scheduleSql.READ_PRODUCT_SCHEDULE, [env, 'org1', 'p1', 'org1~s1~l1'], /schedule_by_product_date/],
          [
            scheduleSql.readScheduleSql(['product_id'], true),
            [env, ['org1'], ['p1'], '2024-06-05'],
            /schedule_by_product/,
            true,
          ],
          [scheduleSql.LIST_SCHEDULE_SCOPES, [env, '2024-06-02', 10], /schedule_by_(product_)?date/, true],
          [scheduleSql.EXPORT_SCHEDULE_AFTER, [env, ...cursor, 100], /schedule_pkey/],
          [scheduleSql.DELETE_PARTITION_SCHEDULES, [env, ['org1~s1~l1']], /schedule_pkey/, true],
        ];
        for (const [text, values, index, sorts] of cases) {
          const shown = await plan(text, values);
          expect(shown).toMatch(index);
          if (!sorts) expect(shown).not.toMatch(/Sort/);
          expect(shown).not.toMatch(/Seq Scan/);
        }
      }));
  });
});
