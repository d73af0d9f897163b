import { readFileSync } from 'node:fs';
import pg from 'pg';

/** Clock ticks per second of /proc/PID/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU of the PostgreSQL backends connected to one database, read from /proc, so only where the server
 * runs on this machine and its processes' stat files are readable (null otherwise). Take a sample
 * before and after a measurement; `since` gives the µs spent in between by the backends alive at the
 * end (one that connected in between counts from its start, one that left in between is missed).
 */
export class BackendCpu {
  private constructor(private readonly client: pg.Client) {}

  static async connect(url: string): Promise<BackendCpu> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return new BackendCpu(client);
  }

  /** Ticks of CPU (user + system) per backend pid of this database, this sampling connection excluded. */
  async sample(): Promise<Map<number, number> | null> {
    const { rows } = await this.client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    const ticks = new Map<number, number>();
    for (const { pid } of rows) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue; // gone, or not on this machine
      }
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(pid, Number(fields[11]) + Number(fields[12]));
    }
    return rows.length > 0 && ticks.size === 0 ? null : ticks;
  }

  /** µs of CPU spent by the backends between `before` and `after` (null when either is null). */
  static since(before: Map<number, number> | null, after: Map<number, number> | null): number | null {
    if (!before || !after) return null;
    let total = 0;
    for (const [pid, ticks] of after) total += ticks - (before.get(pid) ?? 0);
    return (total * 1_000_000) / TICKS_PER_SECOND;
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
