import { describe, expect, it } from 'vitest';
import { runLedgerFormatCommand } from '../../src/cli/ledger-format-command.js';
import { encodeChangesV1 } from '../../src/store/ledger-format/entry-format.js';
import { exportedLedger, legacyDatabase } from '../store/ledger-format/legacy-ledger.js';
import { testBackends } from '../support/backends.js';

describe.each(testBackends())('onhand ledger-format on %s', (backend) => {
  it('refuses to convert before the switch, then converts an old ledger and says so', async () => {
    const cleanups: (() => Promise<void>)[] = [];
    try {
      const db = await legacyDatabase(backend, cleanups);
      const store = await db.open();
      const lines: string[] = [];
      let now = Date.parse('2026-12-03T13:00:00.000Z');
      const run = (...args: string[]) =>
        runLedgerFormatCommand(args, {
          store,
          out: (line) => lines.push(line),
          clock: () => new Date(now),
          sleep: async (ms) => {
            now += ms;
          },
        });
      expect(await run('status')).toBe(0);
      expect(lines.pop()).toMatch(/^Servers write ledger format 1; 0 entries converted so far/);
      expect(await run('convert')).toBe(1);
      expect(lines.pop()).toMatch(/switch" first/);
      expect(await run('convert', '--batch', 'x')).toBe(2);
      expect(await run('switch')).toBe(0);
      expect(lines.pop()).toBe('Servers write ledger format 2 from now on (each within 5 s).');
      expect(await run('convert', '--batch', '4')).toBe(0);
      const entries = exportedLedger().length;
      expect(lines.pop()).toMatch(
        new RegExp(`^Every ledger entry is in the newest format: ${entries} converted in `),
      );
      expect(lines.some((l) => /^Converted \d+ entries \(up to seq \d+\)\.$/.test(l))).toBe(true);
      expect(await db.sql('SELECT seq FROM ledger WHERE format IS NULL')).toEqual([]);
      expect(await run('status')).toBe(0);
      expect(lines.pop()).toMatch(
        new RegExp(
          `^Servers write ledger format 2 \\(switched at 2026-12-03T13:00:00.000Z\\); ${entries} entries`,
        ),
      );
      // Running it again finds nothing left.
      expect(await run('convert')).toBe(0);
      expect(lines.pop()).toMatch(/: 0 converted in /);
    } finally {
      for (const cleanup of cleanups) await cleanup();
    }
  });
});

describe.each(testBackends())('onhand ledger-format in the switch window on %s', (backend) => {
  it('does not call the conversion finished while a server may still write format 1', async () => {
    const cleanups: (() => Promise<void>)[] = [];
    try {
      const db = await legacyDatabase(backend, cleanups);
      const store = await db.open();
      const lines: string[] = [];
      let now = Date.parse('2026-12-03T13:00:00.000Z');
      let slept = 0;
      const lateSeq = { value: undefined as unknown };
      const run = (...args: string[]) =>
        runLedgerFormatCommand(args, {
          store,
          out: (line) => lines.push(line),
          clock: () => new Date(now),
          sleep: async (ms) => {
            slept += ms;
            // Meanwhile a server that read the write format just before the switch commits an entry in
            // format 1 (here: the first entry, written back as format 1 wrote it).
            const [first] = await db.sql('SELECT seq FROM ledger ORDER BY seq LIMIT 1');
            const v1 = exportedLedger()[0];
            const p = (i: number) => (backend === 'sqlite' ? '?' : `$${i}`);
            await db.sql(
              `UPDATE ledger SET outcome = ${p(1)}, changes = ${p(2)}, format = NULL WHERE seq = ${p(3)}`,
              [JSON.stringify(v1?.outcome), encodeChangesV1(v1?.changes ?? []), first?.seq],
            );
            lateSeq.value = first?.seq;
            now += ms;
          },
        });
      expect(await run('switch')).toBe(0);
      now += 1000;
      expect(await run('status')).toBe(0);
      const window = store.ledgerFormat.switchWindowMs;
      const end = new Date(Date.parse('2026-12-03T13:00:00.000Z') + window).toISOString();
      if (window > 0) expect(lines.pop()).toMatch(new RegExp(`may still write format 1 until ${end}\\.$`));
      else expect(lines.pop()).not.toMatch(/may still write/);
      expect(await run('convert')).toBe(0);
      const entries = exportedLedger().length;
      if (window > 0) {
        // PostgreSQL: it waited for the window's end, then found and converted the late entry.
        expect(lines).toContain(
          `No entry of an older format left so far; a server that has not noticed the switch may still write one until ${end}: checking again then.`,
        );
        expect(slept).toBe(window - 1000);
        expect(lateSeq.value).toBeDefined();
        expect(lines.pop()).toMatch(new RegExp(`: ${entries + 1} converted in `));
      } else {
        // SQLite: every write reads the format under the write lock, so there is no window.
        expect(slept).toBe(0);
        expect(lines.pop()).toMatch(new RegExp(`: ${entries} converted in `));
      }
      expect(await db.sql('SELECT seq FROM ledger WHERE format IS NULL')).toEqual([]);
      expect(await run('status')).toBe(0);
      expect(lines.pop()).not.toMatch(/may still write/);
    } finally {
      for (const cleanup of cleanups) await cleanup();
    }
  });
});
