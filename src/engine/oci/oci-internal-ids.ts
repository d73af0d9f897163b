import { createHash } from 'node:crypto';
import { MAX_ID_LENGTH } from '../../domain/identifiers.js';
import { OCI_RECORD_PREFIX } from './oci-scope.js';

/** The prefix of an internal id made from the hash of a composed id too long to keep. */
export const OCI_HASHED_PREFIX = `${OCI_RECORD_PREFIX}sha256~`;

/**
 * An internal IV id (event id, reservation record id) that OCI composes from client-given values
 * (docs/oci.md, "Internal ids"). OCI allows longer values than an IV id holds (a 250-character SKU, a
 * 128-character record id), so a composed id of more than MAX_ID_LENGTH characters (code points, as
 * IV counts them) is replaced by `oci~sha256~` and the SHA-256 of its UTF-8 bytes in base64url (54
 * characters). The same composed id always gives the same internal id, so a retried or resumed write
 * finds its first outcome; ids that fit are kept exactly as they are (and as earlier versions recorded
 * them). The two forms cannot meet: a hashed id holds two `~`, every composed id passed here at least
 * three. Text that is not well-formed Unicode is kept too (IV refuses it, as before): its UTF-8 bytes
 * would not tell two lone surrogates apart.
 */
export function fitOciId(composed: string): string {
  if (composed.length <= MAX_ID_LENGTH || codePoints(composed) <= MAX_ID_LENGTH) return composed;
  if (!composed.isWellFormed()) return composed;
  return `${OCI_HASHED_PREFIX}${createHash('sha256').update(composed, 'utf8').digest('base64url')}`;
}

function codePoints(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}
