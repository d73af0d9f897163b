import { describe, expect, it } from 'vitest';
import { runLedgerFormatCommand } from '../../src/cli/ledger-format-command.js';
import { exportedLedger, legacyDatabase } from '../store/ledger-format/legacy-ledger.js';
import { testBackends } from '../support/backends.js';

describe.each(testBackends())('onhand ledger-format on %s', (backend) => {
  it('refuses to convert before the switch, then converts an old ledger and says so', async () => {
    const cleanups: (() => Promise<void>)[] = [];
    try {
      const db = await legacyDatabase(backend, cleanups);
      const store = await db.open();
      const lines: string[] = [];
      const run = (...args: string[]) =>
        runLedgerFormatCommand(args, {
          store,
          out: (line) => lines.push(line),
          clock: () => new Date('2026-12-03T13:00:00.000Z'),
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
      expect(lines.at(-1)).toMatch(/^Converted \d+ entries \(up to seq \d+\)\.$/);
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
