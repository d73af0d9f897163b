import type { CompiledConfiguration } from '../../domain/config/compiled-configuration.js';
import { LOCATION, SITE } from '../../domain/dimensions.js';
import type { AvailabilityUpdate } from '../../domain/oci/availability-record.js';
import { type OciMeasures, ociMeasures } from '../../domain/oci/oci-measures.js';
import { toSetCommand } from '../../domain/onhand-command.js';
import { lockKeyOf, partitionIdOf } from '../../domain/partition.js';
import { formatQty } from '../../domain/quantity.js';
import { toScheduleCommand } from '../../domain/schedule/schedule-command.js';
import { dateOf } from '../../domain/schedule/schedule-date.js';
import type { Store } from '../../store/store.js';
import { isUniqueViolation } from '../../store/store-errors.js';
import type { Environments } from '../environments.js';
import { ConfigurationMoved } from '../group-commit.js';
import { type OnHandWork, onHandBatch } from '../onhand-batch.js';
import type { ItemOutcome } from '../outcome.js';
import { requestHash } from '../request-hash.js';
import { scheduleBatch } from '../schedules/schedule-batch.js';
import { withConfiguration } from '../with-configuration.js';
import { appendSafetyStock } from './oci-entries.js';
import { futuresDiff } from './oci-futures.js';
import type { Place } from './oci-stock.js';

/** Why a record was not applied: the failed outcome of one of its parts. */
class PartFailed extends Error {
  constructor(readonly outcome: ItemOutcome) {
    super(outcome.message);
  }
}

/** What one record's write needs from the engine. */
export interface RecordWriteDeps {
  readonly store: Store;
  readonly environments: Environments;
  readonly clock: () => Date;
  readonly report: (error: unknown) => void;
}

/** One record to write at its place, with the event ids of its parts (derived from the record). */
export interface RecordWrite {
  readonly environmentId: string;
  readonly update: AvailabilityUpdate;
  readonly place: Place;
  readonly eventId: (part: 'onhand' | 'futures' | 'safety') => string;
  readonly clientId: string | null;
  readonly path: string;
}

/**
 * Writes an OCI record (docs/oci.md, "Writes go through the IV write paths") in **one transaction**:
 * its on-hand count (the IV count of the onHand measure, the on-hand batch's rules), its futures (one
 * change schedule of the difference, the schedule batch's rules) and its safety stock (an
 * oci.safetystock entry), under the lock key of the SKU at the place and the configuration it was
 * prepared with. A part that fails rolls the whole record back: a crash or a refusal never leaves it
 * half-applied. Undefined on success, else the failed part's outcome.
 */
export async function writeRecord(
  deps: RecordWriteDeps,
  write: RecordWrite,
): Promise<ItemOutcome | undefined> {
  const onHand = onHandBatch(deps.report);
  const schedule = scheduleBatch(deps.clock, deps.report);
  const { environmentId, update, place } = write;
  return withConfiguration(deps.environments, environmentId, async (config, guard) => {
    const now = deps.clock();
    const recordedAt = now.toISOString();
    const today = dateOf(now);
    const measures = ociMeasures(config);
    const dimensions = { siteId: place.iv.siteId, locationId: place.iv.locationId };
    const partitionId = partitionIdOf(config.partitionRule, place.iv.organizationId, update.sku, {
      [SITE]: place.iv.siteId,
      [LOCATION]: place.iv.locationId,
    });
    // Prepared before the transaction: bad input is refused without writing anything.
    const onHandWork =
      update.onHand === undefined ? undefined : prepareCount(config, measures, write, recordedAt);
    for (let attempt = 0; ; attempt++) {
      try {
        return await deps.store.transaction(
          [lockKeyOf(environmentId, place.iv.organizationId, update.sku, partitionId)],
          async (tx) => {
            const versions = await tx.lockConfigurations([environmentId], 'shared');
            if (versions.get(environmentId) !== guard.version) throw new ConfigurationMoved(environmentId);
            if (onHandWork) check((await onHand(tx, [onHandWork]))[0]);
            if (update.futures !== undefined) {
              const rows = await tx.readProductSchedule(
                environmentId,
                place.iv.organizationId,
                update.sku,
                partitionId,
              );
              const quantitiesByDate = futuresDiff(measures, place, update.futures, rows, today);
              if (quantitiesByDate) {
                const input = {
                  id: write.eventId('futures'),
                  organizationId: place.iv.organizationId,
                  productId: update.sku,
                  dimensions,
                  quantitiesByDate,
                };
                const command = toScheduleCommand(config, input, today, write.path);
                const work = {
                  environmentId,
                  eventId: command.eventId,
                  command,
                  commitOnDate: config.schedule.commitOnDate,
                  hash: requestHash(input),
                  recordedAt,
                  clientId: write.clientId,
                  path: write.path,
                };
                check((await schedule(tx, [work]))[0]);
              }
            }
            if (update.safetyStockCount !== undefined)
              await appendSafetyStock(tx, environmentId, partitionId, {
                row: { locationId: update.location, sku: update.sku, quantity: update.safetyStockCount },
                eventId: write.eventId('safety'),
                recordedAt,
                clientId: write.clientId,
              });
            return undefined;
          },
        );
      } catch (error) {
        if (error instanceof PartFailed) return error.outcome;
        // Another request recorded the same event ids first (the same record sent twice at once): run
        // again, to be answered from the ledger.
        if (attempt >= 2 || !isUniqueViolation(error)) throw error;
      }
    }
  });

  function prepareCount(
    config: CompiledConfiguration,
    measures: OciMeasures,
    w: RecordWrite,
    recordedAt: string,
  ): OnHandWork {
    const input = {
      id: w.eventId('onhand'),
      organizationId: w.place.iv.organizationId,
      productId: w.update.sku,
      dimensions: { siteId: w.place.iv.siteId, locationId: w.place.iv.locationId },
      quantities: {
        [measures.onHand.dataSource]: { [measures.onHand.measure]: formatQty(w.update.onHand ?? 0n) },
      },
      ...(w.update.effectiveDate === undefined ? {} : { modifiedDateTimeUTC: w.update.effectiveDate }),
    };
    const command = toSetCommand(config, measures.onHand.dataSource, input, w.path);
    // As OnHandWrites.set: a count without modifiedDateTimeUTC takes the time it was received.
    const effective =
      command.kind === 'onhand.set' && command.countedAt === null
        ? { ...command, countedAt: recordedAt }
        : command;
    return {
      environmentId: w.environmentId,
      family: 'setonhand',
      eventId: command.eventId,
      command: effective,
      hash: requestHash(input),
      recordedAt,
      clientId: w.clientId,
      path: w.path,
    };
  }
}

function check(outcome: ItemOutcome | undefined): void {
  if (outcome && outcome.status !== 'success') throw new PartFailed(outcome);
}
