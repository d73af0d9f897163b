import { PostgresStore } from '../store/postgres/postgres-store.js';
import type { Store } from '../store/store.js';

export const MIGRATE_USAGE = `Usage: onhand migrate [--citus [--shards N]]

  Creates or upgrades the database schema, then exits (serve also does it).
  --citus      Also distribute the tables with Citus (PostgreSQL only; --database-url names the
               coordinator, whose workers are already added). Idempotent: run it on a fresh or an
               existing database; later migrations keep the layout (see docs/operations.md).
  --shards N   Shards per distributed table when distributing (default: the cluster's citus.shard_count).`;

/** `onhand migrate [--citus [--shards N]]`: 0 on success, 2 on a usage error. */
export async function runMigrateCommand(
  args: readonly string[],
  store: Store,
  out: (line: string) => void,
): Promise<number> {
  let citus = false;
  let shards: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--citus') citus = true;
    else if (arg === '--shards') {
      shards = Number(args[++i]);
      if (!Number.isInteger(shards) || shards < 1) {
        out('--shards needs a whole number of shards (1 or more).');
        return 2;
      }
    } else {
      out(`Unknown argument "${arg}".\n\n${MIGRATE_USAGE}`);
      return 2;
    }
  }
  if (shards !== undefined && !citus) {
    out('--shards applies to --citus only.');
    return 2;
  }
  if (!citus) {
    await store.migrate();
    out(`The ${store.kind} schema is up to date.`);
    return 0;
  }
  if (!(store instanceof PostgresStore)) {
    out('--citus needs a PostgreSQL database: give --database-url (the Citus coordinator).');
    return 2;
  }
  const distributed = await store.distribute(shards === undefined ? {} : { shardCount: shards });
  out(
    distributed.length === 0
      ? 'The postgres schema is up to date and every table is distributed with Citus.'
      : `The postgres schema is up to date; distributed with Citus: ${distributed.join(', ')}.`,
  );
  return 0;
}
