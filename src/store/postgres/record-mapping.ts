import { dimensionsKey, parseDimensionsKey } from '../../domain/dimensions.js';
import { rolesOfRow } from '../client-columns.js';
import type { ClientRecord, EnvironmentRecord, ReservationRecord } from '../store.js';
import { columnArrays } from './row-mapping.js';

/*
 * Conversions of environments, clients and reservations. JSON columns and int8 columns read back as
 * text (connection.ts); INTEGER and BOOLEAN columns as numbers and booleans. Reservation dims is the
 * canonical dimensionsKey text, as in stock.
 */

/** An environment row as the pool returns it. */
export interface EnvironmentDbRow {
  readonly environment_id: string;
  readonly configuration: string;
  readonly version: number;
  readonly created_at: string;
  readonly updated_at: string;
}

/** Maps a stored environment back to the port's shape. */
export function toEnvironmentRecord(r: EnvironmentDbRow): EnvironmentRecord {
  return {
    environmentId: r.environment_id,
    configuration: JSON.parse(r.configuration) as unknown,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** A client row as the pool returns it. */
export interface ClientDbRow {
  readonly client_id: string;
  readonly secret_hash: string;
  readonly environments: string;
  readonly roles: string | null;
  readonly admin: boolean;
  readonly created_at: string;
  readonly revoked_at: string | null;
}

/** Maps a stored client back to the port's shape. */
export function toClientRecord(r: ClientDbRow): ClientRecord {
  return {
    clientId: r.client_id,
    secretHash: r.secret_hash,
    roles: rolesOfRow(r.roles, r.environments, r.admin),
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  };
}

/** A reservation row as the pool returns it (`SELECT *`). */
export interface ReservationDbRow {
  readonly environment_id: string;
  readonly partition_id: string;
  readonly reservation_id: string;
  readonly organization_id: string;
  readonly product_id: string;
  readonly dims: string;
  readonly data_source: string;
  readonly measure: string;
  readonly quantity: string;
  readonly remaining: string;
  readonly expires_at: string | null;
  readonly status: string;
  readonly event_id: string;
  readonly created_at: string;
  readonly updated_at: string;
}

/**
 * Reservation upsert columns after environment_id, in table order from partition_id to updated_at.
 * When an id repeats, its last record wins (one INSERT … ON CONFLICT cannot touch a row twice).
 */
export function reservationColumns(records: readonly ReservationRecord[]): (string | null)[][] {
  const byId = new Map<string, ReservationRecord>();
  for (const r of records) byId.set(r.reservationId, r);
  return columnArrays(
    [...byId.values()],
    [
      (r) => r.partitionId,
      (r) => r.reservationId,
      (r) => r.organizationId,
      (r) => r.productId,
      (r) => dimensionsKey(r.dimensions),
      (r) => r.dataSource,
      (r) => r.measure,
      (r) => r.quantity.toString(),
      (r) => r.remaining.toString(),
      (r) => r.expiresAt,
      (r) => r.status,
      (r) => r.eventId,
      (r) => r.createdAt,
      (r) => r.updatedAt,
    ],
  );
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
    quantity: BigInt(r.quantity),
    remaining: BigInt(r.remaining),
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
