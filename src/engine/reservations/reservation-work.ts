import type { CompiledConfiguration } from '../../domain/config/compiled-configuration.js';
import type { Dimensions } from '../../domain/dimensions.js';
import { lockKeyOf } from '../../domain/partition.js';
import type { Qty } from '../../domain/quantity.js';
import type { ReserveCommand } from '../../domain/reservation/reserve-command.js';
import type { OffsetCommand, UnreserveCommand } from '../../domain/reservation/unreserve-command.js';
import type { ItemOutcome } from '../outcome.js';

/** The product and partition a reservation operation works in: the unit of locking. */
export interface Scope {
  readonly environmentId: string;
  readonly organizationId: string;
  readonly productId: string;
  readonly partitionId: string;
}

interface Common {
  readonly scope: Scope;
  readonly recordedAt: string;
  /** JSON pointer of the item in its request, prefixed to error paths. */
  readonly path: string;
  /** The client whose request it is, recorded with the ledger entries; absent for expiry. */
  readonly clientId?: string | null;
}

/** Work for the reservation writer; each kind is applied on its own inside the batch. */
export type ReservationWork =
  | (Common & {
      readonly kind: 'reserve';
      readonly config: CompiledConfiguration;
      readonly command: ReserveCommand;
      readonly hash: string;
      /** Id given to the reservation if it is created. */
      readonly newReservationId: string;
      /**
       * Set only when the place is a location of the environment's OCI graph: what OCI holds back
       * there (safety stock; group promises are read from the scope), subtracted by the check.
       */
      readonly oci?: OciHold;
    })
  | (Common & { readonly kind: 'unreserve'; readonly command: UnreserveCommand; readonly hash: string })
  | (Common & { readonly kind: 'offset'; readonly command: OffsetCommand; readonly hash: string })
  | (Common & {
      /** Failed validation; passes through the batch only so a retry of a recorded event is replayed. */
      readonly kind: 'rejected';
      readonly family: 'reserve' | 'unreserve' | 'offset';
      readonly eventId: string;
      readonly hash: string;
      readonly outcome: ItemOutcome;
    })
  | (Common & { readonly kind: 'expire'; readonly reservationId: string })
  | (Common & { readonly kind: 'extend'; readonly reservationId: string; readonly expiresAt: string });

/** What the IV availability check subtracts at an OCI location (docs/oci.md, "Reservations"). */
export interface OciHold {
  /** The place's own dimensions (site and location). */
  readonly place: Dimensions;
  /** The OCI location and SKU whose safety stock is held back (read again under the lock: freshHolds). */
  readonly locationId: string;
  readonly sku: string;
  readonly safety: Qty;
}

/** Idempotency family of each kind that carries an event id (the family is named after the kind). */
export const FAMILY = { reserve: 'reserve', unreserve: 'unreserve', offset: 'offset' } as const;

/** Family of ledger entries about a reservation that carry no event id (expiry, extension, …). */
export const RESERVATION_FAMILY = 'reservation';

/** The scope (environment, organization, product, partition) a reservation's work locks. */
export function scopeOf(
  environmentId: string,
  c: { readonly organizationId: string; readonly productId: string; readonly partitionId: string },
): Scope {
  return {
    environmentId,
    organizationId: c.organizationId,
    productId: c.productId,
    partitionId: c.partitionId,
  };
}

/** The lock key of a scope. */
export function lockOf(scope: Scope): string {
  return lockKeyOf(scope.environmentId, scope.organizationId, scope.productId, scope.partitionId);
}
