import { clientColumns } from '../client-columns.js';
import type { ClientRecord } from '../store.js';
import { INSERT_CLIENT, UPDATE_CLIENT } from './statements.js';

/** The statement and values that insert a client (false from the store when the id exists). */
export function insertClient(c: ClientRecord): [string, unknown[]] {
  const { roles, environments, admin } = clientColumns(c);
  return [INSERT_CLIENT, [c.clientId, c.secretHash, environments, admin, roles, c.createdAt, c.revokedAt]];
}

/** The statement and values that replace a client's mutable fields. */
export function updateClient(c: ClientRecord): [string, unknown[]] {
  const { roles, environments, admin } = clientColumns(c);
  return [UPDATE_CLIENT, [c.secretHash, environments, admin, roles, c.revokedAt, c.clientId]];
}
