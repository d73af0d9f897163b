import fc from 'fast-check';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { joinedTexts, ledgerAppend } from '../../src/store/postgres/ledger-json-columns.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { APPEND_LEDGER, APPEND_LEDGER_JOINED } from '../../src/store/postgres/statements.js';
import { createTestDatabase, testBackends } from '../support/backends.js';

/*
 * The ledger append binds its JSON columns as one text each, joined by U+001F
 * (src/store/postgres/ledger-json-columns.ts): the rows written are those the array form wrote, text for
 * text, and a text the split could not give back keeps the array form.
 */

/** JSON texts as JSON.stringify writes them, and with the spacing a client may have sent. */
const jsonText = fc
  .jsonValue()
  .chain((value) =>
    fc.constantFrom(JSON.stringify(value), JSON.stringify(value, null, 2), `  ${JSON.stringify(value)}\n`),
  )
  .filter((text) => !text.includes('\u0000'));
const tricky = fc.constantFrom(
  '{"a":"quote \\" and backslash \\\\"}',
  '["\\u001f","\\u0000",",{}"]',
  '{"é":"\u{1F600}","k":"NULL"}',
  '"x"',
  'null',
  '[]',
);
const anyJson = fc.oneof(jsonText, tricky);

/** ledgerColumns' 13 columns for entries with the given JSON texts. */
function columns(env: string, json: readonly (readonly [string, string, string])[]): (string | null)[][] {
  const n = json.length;
  const each = (f: (i: number) => string | null) => Array.from({ length: n }, (_, i) => f(i));
  return [
    each(() => env),
    each(() => 'p'),
    each(() => 'onhand'),
    each((i) => `e${i}`),
    each((i) => `h${i}`),
    each(() => 'onhand.change'),
    each(() => '2026-12-05T04:00:00.000Z'),
    json.map((t) => t[0]),
    json.map((t) => t[1]),
    json.map((t) => t[2]),
    each(() => null),
    each((i) => (i % 2 === 0 ? null : 'client')),
    each(() => null),
  ];
}

describe('joined JSON columns of a ledger append', () => {
  it('joins texts that split back, and refuses the others', () => {
    expect(joinedTexts(['{}', '[1]'])).toBe('{}\u001f[1]');
    expect(joinedTexts(['{}', null])).toBeUndefined();
    expect(joinedTexts(['{}', ''])).toBeUndefined();
    expect(joinedTexts(['{}', '"a\u001fb"'])).toBeUndefined();
  });

  it('binds the joined statement, or the array form when a JSON text would not split back', () => {
    const plain = columns('a', [['{}', '{}', '[]']]);
    const joined = ledgerAppend(plain, '7');
    expect(joined.text).toBe(APPEND_LEDGER_JOINED);
    expect(joined.values).toEqual([...plain.slice(0, 7), '{}', '{}', '[]', ...plain.slice(10), '7']);
    const odd = columns('a', [
      ['{}', '{}', '[]'],
      ['{}', '"\u001f"', '[]'],
    ]);
    expect(ledgerAppend(odd, null)).toEqual({ text: APPEND_LEDGER, values: [...odd, null] });
  });

  it.skipIf(!testBackends().includes('postgres'))(
    'writes the rows the array form writes, text for text',
    async () => {
      const database = await createTestDatabase();
      const store = await PostgresStore.connect({ connectionString: database.url });
      await store.migrate();
      await store.close();
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const read = async (env: string) =>
        (
          await client.query(
            `SELECT event_id, request::text, outcome::text, changes::text, client_id FROM ledger
              WHERE environment_id = $1 ORDER BY seq`,
            [env],
          )
        ).rows;
      try {
        let run = 0;
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.tuple(anyJson, anyJson, anyJson), { minLength: 1, maxLength: 12 }),
            async (json) => {
              run++;
              const cols = (env: string) => columns(env, json);
              const statement = ledgerAppend(cols(`joined${run}`), null);
              expect(statement.text).toBe(APPEND_LEDGER_JOINED);
              await client.query(statement.text, statement.values);
              await client.query(APPEND_LEDGER, [...cols(`arrays${run}`), null]);
              const joined = await read(`joined${run}`);
              expect(joined).toEqual(await read(`arrays${run}`));
              expect(joined.map((r) => [r.request, r.outcome, r.changes])).toEqual(json);
            },
          ),
          { numRuns: 100 },
        );
        // A text that is not JSON fails as it did: the append keeps the array form.
        const bad = ledgerAppend(columns('bad', [['{}', '{"a":"\u001f"}', '[]']]), null);
        expect(bad.text).toBe(APPEND_LEDGER);
        await expect(client.query(bad.text, bad.values)).rejects.toThrow(/json/i);
      } finally {
        await client.end();
        await database.drop();
      }
    },
  );
});
