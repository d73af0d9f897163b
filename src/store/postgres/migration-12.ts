import type { Migration } from './schema.js';

/**
 * Migration 12: the due reservations of given products (reservation-statements.ts,
 * READ_SCOPES_DUE_RESERVATIONS_BY_KEY, read by every reservation batch) through an index that holds
 * only reservations with an expiry, by product. Without it each key of a batch scanned every open
 * reservation of its product (reservations_open), which on a hot product grows with every reservation.
 * IF NOT EXISTS: an operator may build it beforehand with CREATE INDEX CONCURRENTLY, so that reservation
 * writes are not locked while it builds (docs/operations.md, "Upgrades").
 */
export const MIGRATION_12: Migration = {
  version: 12,
  sql: `CREATE INDEX IF NOT EXISTS reservations_due_by_product
    ON reservations (environment_id, organization_id, product_id, partition_id, expires_at)
    WHERE remaining > 0 AND expires_at IS NOT NULL;`,
};
