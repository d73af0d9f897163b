import { formatQty } from '../../domain/quantity.js';
import type { FeedRecord } from '../../store/feed-store.js';
import type {
  EnvironmentRecord,
  LedgerChange,
  ReservationRecord,
  ScheduleRow,
  StockRow,
} from '../../store/store.js';

/*
 * The export file: NDJSON, one JSON object per line, each with a "type". In order: one "onhand-export"
 * header, one "environment", every "stock" row, every "schedule" (scheduled value), every
 * "reservation", the OCI records (oci-records.ts), every "ledger" entry in seq order, and one "end" record with the counts, so a
 * truncated file is detected. Quantities are exact decimal strings ("12.5"); OAuth clients are not
 * exported. docs/configuration.md describes the format.
 *
 * The header carries the feed position the state reflects, and each ledger entry its position; the
 * ledger entries come in position order. Files of earlier releases have neither and their entries come
 * in seq order; both are read.
 *
 * Files of releases before on-hand change schedules hold no "schedule" records and no "schedule"
 * count; they are read as holding none. Version 1 covers both: a reader that predates schedules refuses
 * a "schedule" record as an unknown type.
 */

/** The "type" of the first line. */
export const EXPORT_TYPE = 'onhand-export';
/** The format version this release writes and reads. */
export const EXPORT_VERSION = 1;

/** How many records of each kind a file holds (its "end" record). */
export interface ExportCounts {
  readonly stock: number;
  /** Scheduled values (on-hand change schedules). */
  readonly schedule: number;
  readonly reservations: number;
  /** OCI records (oci-records.ts); absent in files of earlier releases (none). */
  readonly oci: number;
  readonly ledger: number;
}

/**
 * The header line. `position` is the feed position the file's state reflects: its stock rows and
 * scheduled values are the environment's at that position, and its ledger ends there, so a follower of
 * the imported (or the original) environment can resume from it (docs/feed.md).
 */
export function headerLine(
  environmentId: string,
  exportedAt: string,
  position: number,
): Record<string, unknown> {
  return { type: EXPORT_TYPE, version: EXPORT_VERSION, environmentId, exportedAt, position };
}

/** The environment line: its configuration as stored, version and times. */
export function environmentLine(e: EnvironmentRecord): Record<string, unknown> {
  return {
    type: 'environment',
    configuration: e.configuration,
    version: e.version,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

/** One stock row. */
export function stockLine(r: StockRow): Record<string, unknown> {
  return {
    type: 'stock',
    partitionId: r.partitionId,
    organizationId: r.organizationId,
    productId: r.productId,
    dimensions: r.dimensions,
    dataSource: r.dataSource,
    measure: r.measure,
    quantity: formatQty(r.quantity),
    countedAt: r.countedAt,
  };
}

/** One scheduled value: the net quantity scheduled to change one measure on one date. */
export function scheduleLine(r: ScheduleRow): Record<string, unknown> {
  return {
    type: 'schedule',
    partitionId: r.partitionId,
    organizationId: r.organizationId,
    productId: r.productId,
    dimensions: r.dimensions,
    dataSource: r.dataSource,
    measure: r.measure,
    date: r.date,
    quantity: formatQty(r.quantity),
  };
}

/** One reservation, every field. */
export function reservationLine(r: ReservationRecord): Record<string, unknown> {
  return { type: 'reservation', ...r, quantity: formatQty(r.quantity), remaining: formatQty(r.remaining) };
}

/**
 * One ledger entry without its environment id (the header names it); request and outcome as stored.
 * Entries come in feed position order (on PostgreSQL their seqs need not increase in that order).
 */
export function ledgerLine(r: FeedRecord): Record<string, unknown> {
  return {
    type: 'ledger',
    seq: r.seq,
    position: r.position,
    partitionId: r.partitionId,
    family: r.family,
    eventId: r.eventId,
    bodyHash: r.bodyHash,
    kind: r.kind,
    recordedAt: r.recordedAt,
    request: r.request,
    outcome: r.outcome,
    changes: r.changes.map(changeJson),
    reference: r.reference,
    // Files of releases before the change feed have no clientId; it is read as null.
    ...(r.clientId === null ? {} : { clientId: r.clientId }),
  };
}

/** The last line. */
export function endLine(counts: ExportCounts): Record<string, unknown> {
  const { stock, schedule, reservations, oci, ledger } = counts;
  return { type: 'end', counts: { stock, schedule, reservations, oci, ledger } };
}

function changeJson(c: LedgerChange): Record<string, unknown> {
  return {
    organizationId: c.organizationId,
    productId: c.productId,
    dimensions: c.dimensions,
    dataSource: c.dataSource,
    measure: c.measure,
    delta: formatQty(c.delta),
    ...(c.date === undefined ? {} : { date: c.date }),
    ...(c.created ? { created: true } : {}),
  };
}
