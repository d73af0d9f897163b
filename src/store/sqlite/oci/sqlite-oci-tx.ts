import type Database from 'better-sqlite3';
import type { OciTxWrites } from '../../oci/oci-store.js';
import { writeExclusions, writeSafetyStock } from './sqlite-oci.js';
import { replaceGraphIn } from './sqlite-oci-graph.js';
import { listSafetyStockIn, readGraphIn } from './sqlite-oci-reads.js';
import { readSafetyStockIn, restoreGraph, restoreRecordOutcomes } from './sqlite-oci-transfer.js';

/** The OCI side of a SQLite transaction (StoreTx.oci), on its connection; `assertOpen` before each use. */
export function sqliteOciTx(client: Database.Database, assertOpen: () => void): OciTxWrites {
  return {
    setSafetyStock: async (environmentId, rows, updatedAt) => {
      assertOpen();
      writeSafetyStock(client, environmentId, rows, updatedAt);
    },
    changeExclusions: async (environmentId, changes) => {
      assertOpen();
      writeExclusions(client, environmentId, changes);
    },
    readSafetyStock: async (environmentId, skus, locationIds) => {
      assertOpen();
      return readSafetyStockIn(client, environmentId, skus, locationIds);
    },
    getGraph: async (environmentId) => {
      assertOpen();
      return readGraphIn(client, environmentId);
    },
    listSafetyStock: async (environmentId) => {
      assertOpen();
      return listSafetyStockIn(client, environmentId);
    },
    replaceGraph: async (environmentId, graph, expectedVersion, updatedAt, removedGroups) => {
      assertOpen();
      return replaceGraphIn(client, environmentId, graph, expectedVersion, updatedAt, removedGroups);
    },
    restoreGraph: async (environmentId, record) => {
      assertOpen();
      restoreGraph(client, environmentId, record);
    },
    restoreRecordOutcomes: async (environmentId, outcomes) => {
      assertOpen();
      restoreRecordOutcomes(client, environmentId, outcomes);
    },
  };
}
