import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testBackends } from '../support/backends.js';
import { findTool, run } from '../support/tools.js';

/**
 * What docs/operations.md shows that is neither a curl walkthrough (replayed by walkthroughs.test.ts)
 * nor a file of deploy/ (test/deploy): its SQL runs on a migrated database, `onhand migrate` prints what
 * it shows, its Prometheus scrape configuration passes promtool, the backup commands are the ones
 * test/e2e/backup-restore.test.ts runs, and every log message it quotes is one that src/ writes.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const guide = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');
const exec = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'onhand-operations-guide-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The fenced blocks of the guide with this language tag. */
const blocks = (language: string) =>
  [...guide.matchAll(new RegExp(`^ *\`\`\`${language}\\n([\\s\\S]*?)^ *\`\`\`$`, 'gm'))].map((m) =>
    m[1]!.replace(/^ {2}/gm, ''),
  );

/** Every .ts file under src/, read. */
function sources(dir = join(ROOT, 'src')): string {
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .map((path) =>
      statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? readFileSync(path, 'utf8') : '',
    )
    .join('\n');
}

const onhand = (...args: string[]) =>
  exec(process.execPath, ['--import', 'tsx', 'src/cli/onhand.ts', ...args], { cwd: ROOT });

describe('docs/operations.md', () => {
  it.runIf(testBackends().includes('postgres'))(
    'its SQL runs on a migrated PostgreSQL database',
    async () => {
      const statements = blocks('sql');
      expect(statements.length).toBeGreaterThanOrEqual(2);
      const database = await createTestDatabase();
      try {
        const { stdout } = await onhand('migrate', '--database-url', database.url, '--data', work);
        expect(stdout).toBe('The postgres schema is up to date.\n');
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        try {
          for (const sql of statements) await client.query(sql);
          const { rows } = await client.query<{ relname: string; reloptions: string[] }>(
            `SELECT relname, reloptions FROM pg_class WHERE relname IN ('ledger', 'stock', 'feed_commits') ORDER BY relname`,
          );
          expect(rows.map((r) => r.relname)).toEqual(['feed_commits', 'ledger', 'stock']);
          expect(rows.find((r) => r.relname === 'ledger')?.reloptions).toContain(
            'autovacuum_vacuum_insert_scale_factor=0.02',
          );
          expect(rows.find((r) => r.relname === 'stock')?.reloptions).toContain(
            'autovacuum_vacuum_scale_factor=0.02',
          );
        } finally {
          await client.end();
        }
        // Migrating again changes nothing and says the same.
        expect((await onhand('migrate', '--database-url', database.url, '--data', work)).stdout).toBe(
          'The postgres schema is up to date.\n',
        );
      } finally {
        await database.drop();
      }
    },
    60_000,
  );

  it('onhand migrate says what the guide shows, on SQLite', async () => {
    expect(guide).toContain(
      '# The postgres schema is up to date.   (and "The sqlite schema is up to date.")',
    );
    const { stdout } = await onhand('migrate', '--data', join(work, 'sqlite'));
    expect(stdout).toBe('The sqlite schema is up to date.\n');
  }, 60_000);

  const promtool = findTool('promtool');
  it.runIf(promtool)('its Prometheus scrape configuration passes promtool check config', () => {
    const [scrape] = blocks('yaml');
    expect(scrape).toContain('job_name: onhand');
    const config = join(work, 'prometheus.yml');
    writeFileSync(
      config,
      scrape!.replace('/etc/prometheus/onhand-alerts.yml', join(ROOT, 'deploy/prometheus/onhand-alerts.yml')),
    );
    const result = run(promtool!, ['check', 'config', config]);
    expect(result.output).toContain('SUCCESS: 10 rules found');
    expect(result.status, result.output).toBe(0);
  });

  it('shows the backup commands that test/e2e/backup-restore.test.ts runs', () => {
    const test = readFileSync(join(ROOT, 'test/e2e/backup-restore.test.ts'), 'utf8');
    for (const [inGuide, inTest] of [
      ['pg_dump --format=custom --file=', "'--format=custom', `--file="],
      ['pg_restore --no-owner --exit-on-error --dbname=', "'--no-owner', '--exit-on-error', `--dbname="],
      [`sqlite3 /var/lib/onhand/onhand.db ".backup '`, "`.backup '"],
    ] as const) {
      expect(guide).toContain(inGuide);
      expect(test).toContain(inTest);
    }
  });

  it('quotes only log messages that src/ writes', () => {
    const src = sources();
    const section = guide.slice(
      guide.indexOf('## What failures look like in the logs'),
      guide.indexOf('## Distributing'),
    );
    const messages = [...section.matchAll(/"msg":"([^"]+)"/g)].map((m) => m[1]!);
    expect(new Set(messages)).toEqual(
      new Set([
        'database failure',
        'background work failed',
        'readiness check failed',
        'unexpected error',
        'requests still in flight after the stop timeout: closing their connections',
        'webhook delivery failed; it will be retried',
        'webhook receiver reached again: delivered after failed attempts',
      ]),
    );
    for (const message of messages) expect(src, message).toContain(`'${message}'`);
    const prose = section.replace(/\s+/g, ' ');
    const signal = ['$', '{signal}'].join('');
    for (const text of [
      'is not reachable (',
      '); retrying in ',
      'could not be reached within',
      'Check ONHAND_DATABASE_URL and that PostgreSQL is running.',
      'The connection was lost during COMMIT: ',
      'The database connection failed; nothing was written. Retry later.',
      'The database did not answer in time; nothing was written. Retry later.',
    ]) {
      expect(prose, text).toContain(text);
      expect(src, text).toContain(text);
    }
    const stopping = ' received: finishing requests in flight, then stopping.';
    expect(prose).toContain(`SIGTERM${stopping}`);
    expect(src).toContain(`${signal}${stopping}`);
  });
});
