import {
  type AllocationInput,
  type AllocationKind,
  canonicalAllocationInput,
  toAllocationCommand,
} from '../../domain/allocation/allocation-command.js';
import { type AllocationQueryInput, parseAllocationQuery } from '../../domain/allocation/allocation-query.js';
import { type AllocationRecord, allocationRecords } from '../../domain/allocation/allocation-records.js';
import { lockKeyOf } from '../../domain/partition.js';
import type { Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import type { GroupCommitter } from '../group-commit.js';
import type { OciPlaceOf } from '../oci/oci-iv-guard.js';
import { failureFromThrown, type ItemOutcome } from '../outcome.js';
import { requestHash } from '../request-hash.js';
import { InOrder } from '../reservations/in-order.js';
import { ReservationIds } from '../reservations/reservation-ids.js';
import type { OciHold } from '../reservations/reservation-work.js';
import { withConfiguration } from '../with-configuration.js';
import { isUsableId, type WriteItem } from '../write-item.js';
import type { AllocationWork } from './allocation-work.js';

/**
 * Allocation (spec §4): ring-fencing stock for channels, customer groups and other group paths.
 * Writes go through the allocation writer under the lock key of their product and partition, the
 * same key reservations and on-hand changes of that product take, so the pool is checked under the
 * lock in this process and across processes sharing a PostgreSQL database.
 */
export class Allocations {
  private readonly ids = new ReservationIds();
  private readonly ociTurns = new InOrder();
  /** What OCI holds back at an allocation's place (engine/oci/oci-iv-guard.ts; undefined without OCI). */
  ociHold = async (_env: string, _at: OciPlaceOf): Promise<OciHold | undefined> => undefined;

  constructor(
    private readonly store: Store,
    private readonly environments: Environments,
    private readonly clock: () => Date,
    private readonly writer: GroupCommitter<AllocationWork, ItemOutcome>,
  ) {}

  /** Allocate, unallocate, reallocate or consume requests; one outcome per item, in order. */
  async write(
    environmentId: string,
    kind: AllocationKind,
    items: readonly WriteItem<AllocationInput>[],
  ): Promise<ItemOutcome[]> {
    await this.environments.get(environmentId);
    const recordedAt = this.clock().toISOString();
    // Each item is prepared with the current configuration and applied only under it (withConfiguration).
    return Promise.all(
      items.map(({ input, path, clientId = null }) =>
        withConfiguration(this.environments, environmentId, async (config, guard) => {
          // The hash is taken from the request as sent, with targetGroups read as groups.
          const hash = requestHash(canonicalAllocationInput(input));
          const common = { recordedAt, path, family: kind, hash, clientId };
          try {
            const command = toAllocationCommand(config, kind, input, path);
            const scope = {
              environmentId,
              organizationId: command.organizationId,
              productId: command.productId,
              partitionId: command.partitionId,
            };
            let work: AllocationWork = {
              ...common,
              kind: 'apply',
              scope,
              eventId: command.eventId,
              config,
              command,
              newReservationId: this.ids.next(
                Date.parse(recordedAt),
                this.store.partitioned === true ? scope.partitionId : undefined,
              ),
            };
            if (command.kind === 'allocate') {
              const oci = await this.ociTurns.next(this.ociHold(environmentId, command));
              if (oci) work = { ...work, oci };
            }
            return this.writer.submit(
              lockKeyOf(environmentId, command.organizationId, command.productId, command.partitionId),
              work,
              guard,
            );
          } catch (error) {
            const outcome = failureFromThrown(typeof input.id === 'string' ? input.id : '', error);
            if (!isUsableId(input.id)) return Promise.resolve(outcome);
            // Still ask the ledger: this may be the retry of an event accepted before a configuration change.
            const scope = { environmentId, organizationId: '', productId: '', partitionId: '' };
            const work: AllocationWork = { ...common, kind: 'rejected', scope, eventId: input.id, outcome };
            return this.writer.submit(lockKeyOf(environmentId, '', input.id, ''), work, guard);
          }
        }),
      ),
    );
  }

  /**
   * The allocation records of one key (spec §4.4 query): the exact dimension tuple given, every group
   * path under the given groups (all of them for `groups: {}`). Reads committed data.
   */
  async query(environmentId: string, input: AllocationQueryInput): Promise<AllocationRecord[]> {
    const config = await this.environments.get(environmentId);
    const query = parseAllocationQuery(config, input);
    const rows = await this.store.readStock(environmentId, query.selector);
    return allocationRecords(config, query, rows);
  }
}
