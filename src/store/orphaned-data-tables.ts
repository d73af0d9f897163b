import { OCI_ENVIRONMENT_TABLES } from './oci/oci-store.js';

/*
 * What Store.deleteOrphanedData deletes under an environment id that has no environment record: what an
 * interrupted import left there (engine/transfer/import-environment.ts), or whatever else is still
 * keyed by the id of an environment whose record is gone. The next import into that id creates a new
 * environment, which would otherwise take over every such row as its own.
 *
 * Every table with an environment_id column, in both backends (sqlite/schema.ts, postgres/schema.ts
 * and the migrations they list), is here but environments itself (test/store/orphaned-data-tables.test.ts
 * checks it); the tables that name an environment otherwise are kept, for the reasons given below.
 */

/** Deleted, in both backends (PostgreSQL's feed_commits besides: postgres/orphaned-data.ts). */
export const ORPHANED_DATA_TABLES = [
  // What an import writes: the data itself, OCI's tables and availability imports among it.
  'stock',
  'schedule',
  'reservations',
  'ledger',
  ...OCI_ENVIRONMENT_TABLES,
  // Derived from the ledger deleted with them. Left, a checkpoint span would be summed into the as-of
  // answers of the next environment with the id, and the checkpointer's follower position ('checkpoints')
  // would make it skip that environment's spans up to there.
  'feed_spans',
  'feed_followers',
  // Tickets to follow the id's feed (short-lived): none may follow the next environment's.
  'feed_tickets',
  // Configured for the environment that had the id, never for the next one: its webhooks (left, they
  // would send the next environment's entries to those URLs) and their deliveries, its product
  // catalogue, adjustment lines and jobs (a job queued for it would run on the next one's data).
  'webhooks',
  'webhook_deliveries',
  'products',
  'adjustment_lines',
  'jobs',
] as const;

/*
 * Naming an environment id but left as they are:
 * - environments: the record itself, whose absence makes the id orphaned.
 * - clients (the ids a client may use, in its `environments` list): granted by an operator, who may well
 *   grant them before importing into the id; not keyed by an environment_id column.
 * - feed_leases (named after the environment, e.g. `checkpoints:{id}`): they lapse by themselves, and a
 *   lease's generation fences its holder's writes; deleting one would start the generations over.
 * - feed_state and ledger_format: one row for the whole database (ledger_format's conversion mark
 *   names an environment only as a place in key order).
 */
