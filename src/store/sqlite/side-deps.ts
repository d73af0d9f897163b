import type Database from 'better-sqlite3';
import { SqliteAdjustments } from './adjustments/sqlite-adjustments.js';
import { SqliteProducts } from './catalogue/sqlite-products.js';
import { SqliteJobs } from './jobs/sqlite-jobs.js';
import { SqliteLedgerFormat } from './ledger-format/sqlite-ledger-format.js';
import { SqliteOci } from './oci/sqlite-oci.js';
import { SqliteOciImports } from './oci-imports/sqlite-oci-imports.js';
import { SqliteWebhooks } from './webhooks/sqlite-webhooks.js';

/** What the stores beside SqliteStore (products, jobs, adjustments) need from SqliteStore. */
export interface SqliteSideDeps {
  /** The query-only reader connection (committed data only). */
  readonly reader: () => Database.Database;
  /** Runs a write on the writer connection, queued behind open transactions; resolves with its result. */
  readonly write: <T>(task: (db: Database.Database) => T) => Promise<T>;
}

/** The stores beside SqliteStore, on the same connections and write queue. */
export function sideStores(side: SqliteSideDeps) {
  return {
    webhooks: new SqliteWebhooks({ readerDb: side.reader(), write: side.write }),
    products: new SqliteProducts(side),
    jobs: new SqliteJobs(side),
    adjustments: new SqliteAdjustments(side),
    oci: new SqliteOci(side),
    ociImports: new SqliteOciImports(side),
    ledgerFormat: new SqliteLedgerFormat(side),
  };
}
