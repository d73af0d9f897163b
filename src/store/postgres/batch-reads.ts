import {
  READ_SCOPES_DUE_RESERVATIONS,
  READ_SCOPES_DUE_RESERVATIONS_BY_KEY,
} from './reservation-statements.js';
import { FIND_EVENTS, FIND_EVENTS_BY_KEY, READ_SCOPES_ROWS, READ_SCOPES_ROWS_BY_KEY } from './statements.js';

/** The statements of a batch's reads by key (scope rows, due reservations, recorded events). */
export interface BatchReads {
  readonly scopesRows: string;
  readonly scopesDueReservations: string;
  readonly findEvents: string;
}

/**
 * Plain PostgreSQL (PostgresTx): one index lookup per key, so that the cost of a batch's reads does not
 * depend on the tables' statistics (a table that grew since it was last analysed, a server whose
 * autovacuum is off, made the joins scan a whole partition or product per batch).
 */
export const BY_KEY: BatchReads = {
  scopesRows: READ_SCOPES_ROWS_BY_KEY,
  scopesDueReservations: READ_SCOPES_DUE_RESERVATIONS_BY_KEY,
  findEvents: FIND_EVENTS_BY_KEY,
};

/** Citus (CitusTx): the joins, which Citus routes to the partitions' shards as before. */
export const JOINED: BatchReads = {
  scopesRows: READ_SCOPES_ROWS,
  scopesDueReservations: READ_SCOPES_DUE_RESERVATIONS,
  findEvents: FIND_EVENTS,
};
