import { rolesOfRow } from '../client-columns.js';
import type { ClientRecord, EnvironmentRecord } from '../store.js';

/*
 * Conversions of the reference tables (environments, clients). INTEGER columns read back as bigint
 * (safe integers) and are narrowed here; JSON columns hold JSON text.
 */

/** An environment row as SQLite returns it. */
export interface EnvironmentDbRow {
  readonly environment_id: string;
  readonly configuration: string;
  readonly version: bigint;
  readonly created_at: string;
  readonly updated_at: string;
}

/** Maps a stored environment back to the port's shape. */
export function toEnvironmentRecord(r: EnvironmentDbRow): EnvironmentRecord {
  return {
    environmentId: r.environment_id,
    configuration: JSON.parse(r.configuration) as unknown,
    version: Number(r.version),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** A client row as SQLite returns it. */
export interface ClientDbRow {
  readonly client_id: string;
  readonly secret_hash: string;
  readonly environments: string;
  readonly roles: string | null;
  readonly admin: bigint;
  readonly created_at: string;
  readonly revoked_at: string | null;
}

/** Maps a stored client back to the port's shape. */
export function toClientRecord(r: ClientDbRow): ClientRecord {
  return {
    clientId: r.client_id,
    secretHash: r.secret_hash,
    roles: rolesOfRow(r.roles, r.environments, r.admin !== 0n),
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  };
}
