import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';

/**
 * A fresh database on the PostgreSQL server of `adminUrl` for one bench script, and how to drop it (WITH
 * (FORCE): connections a failed run left open do not keep it).
 */
export async function createBenchDatabase(
  adminUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `onhand_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * A fresh schema of the Citus coordinator database of `citusUrl`, reached through a URL whose search_path
 * names it (a Citus database needs the extension on every node: a schema of one is cheaper), its tables
 * migrated and distributed with `shards` shards each when `distribute` is set; and how to drop it.
 */
export async function createCitusBenchSchema(
  citusUrl: string,
  distribute: boolean,
  shards = 32,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `onhand_bench_${randomBytes(6).toString('hex')}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: citusUrl });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  await run(`CREATE SCHEMA ${name}`);
  const url = new URL(citusUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  if (distribute) {
    const store = await PostgresStore.connect({ connectionString: url.toString(), poolSize: 1 });
    await store.distribute({ shardCount: shards }).finally(() => store.close());
  }
  return { url: url.toString(), drop: () => run(`DROP SCHEMA ${name} CASCADE`) };
}
