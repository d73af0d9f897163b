import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';

/**
 * The sizing script of docs/operations.md runs as the guide shows it, on each backend, and reports
 * figures in the range the guide records (a small run: the fixed cost of the first pages weighs more).
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const exec = promisify(execFile);

describe.each(testBackends())('bench/ledger-bytes.ts on %s', (backend) => {
  it('reports the bytes per ledger entry of the ledger, the database and (PostgreSQL) the WAL', async () => {
    const args = ['--import', 'tsx', 'bench/ledger-bytes.ts', '--entries', '4096'];
    if (backend === 'postgres') args.push('--postgres-url', process.env.ONHAND_TEST_POSTGRES_URL ?? '');
    const { stdout } = await exec(process.execPath, args, { cwd: ROOT });
    const figure = (label: string) =>
      Number(new RegExp(`${label}: +(\\d+) bytes per entry`).exec(stdout)?.[1]);
    expect(stdout).toContain(`${backend === 'postgres' ? 'PostgreSQL' : 'SQLite'}, 4,096 ledger entries:`);
    // Format 2 (docs/architecture.md): about 535 – 582 bytes per entry in a run of 30,720 entries.
    expect(figure('ledger table with its indexes')).toBeGreaterThan(200);
    expect(figure('ledger table with its indexes')).toBeLessThan(2000);
    expect(figure('whole database')).toBeGreaterThanOrEqual(figure('ledger table with its indexes'));
    if (backend === 'postgres') {
      expect(figure('WAL written \\(whole cluster\\)')).toBeGreaterThan(300);
      expect(figure('pg_dump --format=custom')).toBeGreaterThan(0);
    }
  }, 120_000);
});
