import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import { createBenchDatabase } from './bench-database.js';

/* What the webhook bench scripts (webhook-catch-up.ts, webhook-dispatch.ts) share. */

/** The value after `--name` on the command line, or `fallback`. */
export const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};

/** On-hand changes per bulk request, as W8 writes them. */
export const BODY = 500;

/** The `n`th bulk request of a backlog: BODY on-hand changes spread over 5,000 products. */
export function backlogBody(n: number): { input: unknown; path: string }[] {
  return Array.from({ length: BODY }, (_, i) => {
    const k = n * BODY + i;
    return {
      path: `/${i}`,
      input: {
        id: `e${k}`,
        organizationId: 'usmf',
        productId: `P${(k * 7919) % 5000}`,
        dimensions: { siteId: '1', locationId: '11' },
        quantities: { pos: { inbound: 1 + (k % 3) } },
      },
    };
  });
}

/**
 * Runs `measure` on a fresh SQLite file (unless --skip-sqlite) and on a scratch database of the
 * PostgreSQL server of --postgres-url (when given), each with a temporary directory of its own, and
 * removes both whatever happens.
 */
export async function onEachBackend(
  name: string,
  measure: (label: string, store: Store, dir: string) => Promise<void>,
): Promise<void> {
  const postgresUrl = arg('postgres-url', '');
  if (!process.argv.includes('--skip-sqlite')) {
    const dir = mkdtempSync(join(tmpdir(), `onhand-${name}-`));
    try {
      const store = SqliteStore.open({ file: join(dir, 'bench.db') });
      try {
        await measure('SQLite', store, dir);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (postgresUrl) {
    const dir = mkdtempSync(join(tmpdir(), `onhand-${name}-`));
    const database = await createBenchDatabase(postgresUrl);
    try {
      const store = await PostgresStore.connect({ connectionString: database.url });
      try {
        await measure('PostgreSQL', store, dir);
      } finally {
        await store.close();
      }
    } finally {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** Writes bench/results/{time}-{name}.json and says where. */
export function writeResults(name: string, results: Record<string, unknown>): void {
  const stamp = new Date().toISOString().slice(0, 16).replace(/[T:]/g, '-');
  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  const file = join(import.meta.dirname, 'results', `${stamp}-${name}.json`);
  writeFileSync(file, `${JSON.stringify({ bench: name, at: new Date().toISOString(), results }, null, 2)}\n`);
  console.log(`results: ${file}`);
}
