import { fail, OnhandError } from '../../domain/codes.js';
import type { Store } from '../../store/store.js';
import type { OciContext } from './oci-run.js';

/** What a create or an update recorded: an IV record holding part of the reservation. */
export interface Hold {
  readonly recordId: string;
  readonly sku: string;
  readonly locationId: string;
  readonly groupId?: string;
}

/** A reservation document as its ledger entries tell it (committed read). */
export interface DocumentState {
  readonly holds: Hold[];
  readonly expiresAt: string | null;
  readonly externalRefId: string | null;
  /** How many updates it had: the next one records the marker `{id}#{updates + 1}`. */
  readonly updates: number;
}

export const reference = (reservationId: string) => `oci:${reservationId}`;

/** The family of the markers that number a document's updates (one per update). */
export const UPDATE_MARK = 'oci-update-seq';
export const updateMark = (reservationId: string, n: number) => `${reservationId}#${n}`;

/** Entries read per document (a create, its cancel, its updates). */
const ENTRIES = 10_000;

/**
 * The holds of reservation `reservationId`: its create's and every update's (docs/oci.md,
 * "Connect reservation updates"). oci_reservation_not_found when it was never created.
 */
export async function readDocument(
  store: Store,
  environmentId: string,
  reservationId: string,
): Promise<DocumentState> {
  const entries = await store.readLedgerByReference(environmentId, reference(reservationId), ENTRIES);
  const created = entries.find((e) => e.kind === 'oci.reserve' && e.request !== null);
  if (!created)
    throw new OnhandError('oci_reservation_not_found', `Reservation ${reservationId} does not exist.`, [
      {
        code: 'oci_reservation_not_found',
        path: '/reservationId',
        message: 'Reservation ID provided does not exist.',
      },
    ]);
  const request = created.request as { holds: Hold[]; expiresAt?: string | null; externalRefId?: string };
  const holds = [...request.holds];
  let updates = 0;
  for (const e of entries) {
    if (e.kind !== 'oci.update' || e.request === null) continue;
    updates++;
    holds.push(...(e.request as { holds: Hold[] }).holds);
  }
  return {
    holds,
    expiresAt: request.expiresAt ?? null,
    externalRefId: request.externalRefId ?? null,
    updates,
  };
}

/** Thrown inside a transaction when an update committed after the document was read: read it again. */
export class DocumentMoved extends Error {
  constructor() {
    super('The reservation changed; read again.');
    this.name = 'DocumentMoved';
  }
}

/** Under the reservation's lock: DocumentMoved when an update committed since `doc` was read. */
export async function checkCurrent(
  ctx: OciContext,
  reservationId: string,
  doc: DocumentState,
): Promise<void> {
  const next = updateMark(reservationId, doc.updates + 1);
  const found = await ctx.tx.findEvents(ctx.environmentId, UPDATE_MARK, [next]);
  if (found.size > 0) throw new DocumentMoved();
}

/**
 * How often an operation reads a document again: each time another update of it committed first, so N
 * updates of one reservation sent at once need up to N reads for the last of them.
 */
const MAX_READS = 64;

/** Runs `once` again (reading the document afresh) while it ends in DocumentMoved, at most MAX_READS times. */
export async function withCurrentDocument<T>(once: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await once();
    } catch (error) {
      if (!(error instanceof DocumentMoved)) throw error;
      // As the runner answers a graph that keeps changing: the client may send the request again.
      if (attempt >= MAX_READS)
        fail('configuration_version_conflict', '', 'The reservation kept changing; send the request again.');
    }
  }
}
