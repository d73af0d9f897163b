import type { AllocationCommand, AllocationKind } from '../../domain/allocation/allocation-command.js';
import type { CompiledConfiguration } from '../../domain/config/compiled-configuration.js';
import type { ItemOutcome } from '../outcome.js';
import type { OciHold, Scope } from '../reservations/reservation-work.js';

interface Common {
  readonly scope: Scope;
  readonly recordedAt: string;
  /** JSON pointer of the item in its request, prefixed to error paths. */
  readonly path: string;
  /** Idempotency family: the kind of write (event ids are unique per kind, as for reserve/unreserve). */
  readonly family: AllocationKind;
  readonly eventId: string;
  readonly hash: string;
  /** The client whose request it is, recorded with the ledger entry. */
  readonly clientId?: string | null;
}

/** Work for the allocation writer. */
export type AllocationWork =
  | (Common & {
      readonly kind: 'apply';
      readonly config: CompiledConfiguration;
      readonly command: AllocationCommand;
      /** Id given to the soft reservation a consume may create (consume as soft reservation). */
      readonly newReservationId: string;
      /** Set only at a location of the environment's OCI graph (Reservations.ociHold). */
      readonly oci?: OciHold;
    })
  | (Common & {
      /** Failed validation; passes through the batch only so a retry of a recorded event is replayed. */
      readonly kind: 'rejected';
      readonly outcome: ItemOutcome;
    });
