import { execFileSync } from 'node:child_process';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import Database from 'better-sqlite3';
import pg from 'pg';

/** Facts about the machine and the software a run measured, written beside the figures. */
export interface MachineFacts {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly loadAverageAtStart: readonly number[];
  readonly commit: string;
  readonly versions: Record<string, string>;
  readonly durability: Record<string, string>;
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { encoding: 'utf8' }).trim();
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}

async function packageVersion(name: string): Promise<string> {
  try {
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Machine facts; `postgresUrl` adds the server version and its durability settings. */
export async function machineFacts(
  backend: 'sqlite' | 'postgres',
  postgresUrl?: string,
): Promise<MachineFacts> {
  const versions: Record<string, string> = {
    fastify: await packageVersion('fastify'),
    'better-sqlite3': await packageVersion('better-sqlite3'),
    pg: await packageVersion('pg'),
    autocannon: await packageVersion('autocannon'),
  };
  const durability: Record<string, string> = {};
  if (backend === 'sqlite') {
    const db = new Database(':memory:');
    versions.sqlite = String(db.prepare('SELECT sqlite_version() AS v').pluck().get());
    db.close();
    durability.journal_mode = 'wal';
    durability.synchronous = 'FULL (set by src/store/sqlite/connections.ts on the writer connection)';
  }
  if (backend === 'postgres' && postgresUrl) {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      versions.postgresql = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]
        ?.server_version as string;
      for (const setting of ['synchronous_commit', 'fsync', 'full_page_writes', 'wal_sync_method']) {
        const row = (await client.query(`SHOW ${setting}`)).rows[0] as Record<string, string>;
        durability[setting] = row[setting] ?? '';
      }
    } finally {
      await client.end();
    }
  }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    commit: gitCommit(),
    versions,
    durability,
  };
}
