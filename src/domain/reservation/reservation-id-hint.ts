/*
 * The partition hint of a reservation id. Where the store places data by partition across machines
 * (PostgreSQL distributed with Citus), a lookup by reservation id alone asks every shard. Reservation
 * ids are Onhand's to choose (their format is not the vendor's: spec §5.3, §8 item 9), so there a new
 * id carries its partition id, base64url-encoded after a '.': a lookup reads the reservation's one shard
 * first, and asks every shard only when the reservation is not there (an id made elsewhere, or a
 * forged one). Ids made without a hint (SQLite, plain PostgreSQL, or a partition id too long to carry)
 * are unchanged.
 */

/** Longest partition id (UTF-8 bytes) that a reservation id carries: ids stay short in URLs. */
export const MAX_HINTED_PARTITION_BYTES = 120;

const MARK = '.';
const BASE64URL = /^[A-Za-z0-9_-]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: a forged hint may decode to them
const CONTROL = /[\u0000-\u001f\u007f]/;

/** `id` with `partitionId` appended as its hint, or `id` itself when the partition id is too long. */
export function withPartitionHint(id: string, partitionId: string): string {
  const bytes = Buffer.from(partitionId, 'utf8');
  if (bytes.length === 0 || bytes.length > MAX_HINTED_PARTITION_BYTES) return id;
  return `${id}${MARK}${bytes.toString('base64url')}`;
}

/** The partition id a reservation id carries, or undefined when it carries none (or a malformed one). */
export function partitionHintOf(id: string): string | undefined {
  const at = id.lastIndexOf(MARK);
  if (at < 0) return undefined;
  const encoded = id.slice(at + 1);
  if (!BASE64URL.test(encoded)) return undefined;
  const bytes = Buffer.from(encoded, 'base64url');
  // Only the canonical encoding of well-formed UTF-8 counts, so that decoding is the inverse of encoding.
  if (bytes.length === 0 || bytes.toString('base64url') !== encoded) return undefined;
  const partitionId = bytes.toString('utf8');
  // Partition ids hold no control characters (a forged NUL would reach the database, which refuses it).
  if (CONTROL.test(partitionId)) return undefined;
  return Buffer.from(partitionId, 'utf8').equals(bytes) ? partitionId : undefined;
}
