import { clientColumns } from '../client-columns.js';
import type { ClientRecord } from '../store.js';
import type { WriterStatements } from './statements.js';

/** Inserts a client row; false when the id exists. */
export function insertClient(sql: WriterStatements, c: ClientRecord): boolean {
  const { roles, environments, admin } = clientColumns(c);
  const row = [
    c.clientId,
    c.secretHash,
    environments,
    admin ? 1 : 0,
    roles,
    c.createdAt,
    c.revokedAt,
  ] as const;
  return sql.insertClient.run(...row).changes === 1;
}

/** Rewrites a client row; false when it does not exist. */
export function updateClient(sql: WriterStatements, c: ClientRecord): boolean {
  const { roles, environments, admin } = clientColumns(c);
  return (
    sql.updateClient.run(c.secretHash, environments, admin ? 1 : 0, roles, c.revokedAt, c.clientId)
      .changes === 1
  );
}
