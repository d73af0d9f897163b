import { dimensionsKey, parseDimensionsKey } from '../../domain/dimensions.js';
import type { ReservationRecord } from '../store.js';

/*
 * Conversions between the port's reservations and rows of the reservations table. Quantities read back
 * as bigint (both connections use safe integers) and stay exact; dims is the canonical dimensionsKey
 * text, as in stock.
 */

/** A reservation row as SQLite returns it (`SELECT *`). */
export interface ReservationDbRow {
  readonly environment_id: string;
  readonly partition_id: string;
  readonly reservation_id: string;
  readonly organization_id: string;
  readonly product_id: string;
  readonly dims: string;
  readonly data_source: string;
  readonly measure: string;
  readonly quantity: bigint;
  readonly remaining: bigint;
  readonly expires_at: string | null;
  readonly status: string;
  readonly event_id: string;
  readonly created_at: string;
  readonly updated_at: string;
}

/** Bind values of the reservation upsert, in column order. */
export type ReservationParams = [
  environmentId: string,
  partitionId: string,
  reservationId: string,
  organizationId: string,
  productId: string,
  dims: string,
  dataSource: string,
  measure: string,
  quantity: bigint,
  remaining: bigint,
  expiresAt: string | null,
  status: string,
  eventId: string,
  createdAt: string,
  updatedAt: string,
];

/** Bind values for one reservation; `dimensions` must already be canonical (the port's contract). */
export function reservationParams(environmentId: string, r: ReservationRecord): ReservationParams {
  return [
    environmentId,
    r.partitionId,
    r.reservationId,
    r.organizationId,
    r.productId,
    dimensionsKey(r.dimensions),
    r.dataSource,
    r.measure,
    r.quantity,
    r.remaining,
    r.expiresAt,
    r.status,
    r.eventId,
    r.createdAt,
    r.updatedAt,
  ];
}

/** Maps a stored reservation back to the port's shape, dims parsed to the canonical object. */
export function toReservationRecord(r: ReservationDbRow): ReservationRecord {
  return {
    reservationId: r.reservation_id,
    partitionId: r.partition_id,
    organizationId: r.organization_id,
    productId: r.product_id,
    dimensions: parseDimensionsKey(r.dims),
    dataSource: r.data_source,
    measure: r.measure,
    quantity: r.quantity,
    remaining: r.remaining,
    expiresAt: r.expires_at,
    status: r.status as ReservationRecord['status'],
    eventId: r.event_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** A reservation with the environment it belongs to (what listDueReservations returns). */
export type DueReservation = ReservationRecord & { environmentId: string };

/** Maps a stored reservation to a DueReservation. */
export function toDueReservation(r: ReservationDbRow): DueReservation {
  return { environmentId: r.environment_id, ...toReservationRecord(r) };
}
