import type pg from 'pg';
import type { OciTxWrites } from '../../oci/oci-store.js';
import { writeExclusions, writeSafetyStock } from './postgres-oci.js';
import { replaceGraphIn } from './postgres-oci-graph.js';
import { listSafetyStockIn, readGraphIn } from './postgres-oci-reads.js';
import { readSafetyStockIn, restoreGraph, restoreRecordOutcomes } from './postgres-oci-transfer.js';

/** The OCI side of a PostgreSQL transaction (StoreTx.oci), on its client; `assertOpen` before each use. */
export function postgresOciTx(client: Pick<pg.PoolClient, 'query'>, assertOpen: () => void): OciTxWrites {
  return {
    setSafetyStock: async (environmentId, rows, updatedAt) => {
      assertOpen();
      await writeSafetyStock(client, environmentId, rows, updatedAt);
    },
    changeExclusions: async (environmentId, changes) => {
      assertOpen();
      await writeExclusions(client, environmentId, changes);
    },
    readSafetyStock: async (environmentId, skus, locationIds) => {
      assertOpen();
      return readSafetyStockIn(client, environmentId, skus, locationIds);
    },
    getGraph: async (environmentId) => {
      assertOpen();
      return readGraphIn(client, environmentId, true);
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
      await restoreGraph(client, environmentId, record);
    },
    restoreRecordOutcomes: async (environmentId, outcomes) => {
      assertOpen();
      await restoreRecordOutcomes(client, environmentId, outcomes);
    },
  };
}
