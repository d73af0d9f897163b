import { OnhandError } from '../../domain/codes.js';
import type { OnHandCommand, OnHandInput } from '../../domain/onhand-command.js';
import { toChangeCommand, toSetCommand } from '../../domain/onhand-command.js';
import { lockKeyOf } from '../../domain/partition.js';
import type { Environments } from '../environments.js';
import type { GroupCommitter } from '../group-commit.js';
import type { OnHandWork } from '../onhand-batch.js';
import { failureFromThrown, type ItemOutcome } from '../outcome.js';
import { requestHash } from '../request-hash.js';
import { withConfiguration } from '../with-configuration.js';
import { isUsableId, type WriteItem } from '../write-item.js';

/**
 * On-hand changes and counts (spec §2.5, §2.6): each item prepared with the current configuration,
 * applied only under it (withConfiguration), and submitted to the on-hand group committer.
 */
export class OnHandWrites {
  constructor(
    private readonly environments: Environments,
    private readonly clock: () => Date,
    private readonly onHandWriter: GroupCommitter<OnHandWork, ItemOutcome>,
  ) {}

  /**
   * On-hand change events (spec §2.5): one outcome per item, in order. Each item's `path` prefixes
   * the JSON pointers of its errors (`/3` for the fourth item of a bulk request).
   */
  change(environmentId: string, items: readonly WriteItem<OnHandInput>[]): Promise<ItemOutcome[]> {
    return this.writeOnHand(environmentId, items, 'onhand', (config, input, path) =>
      toChangeCommand(config, input, path),
    );
  }

  /**
   * Counts for one data source (spec §2.6). An unknown data source fails the whole request, unless an
   * item is the retry of a count accepted before the data source was removed: event ids are looked up
   * first, so such a retry is answered with its first outcome (design.md rule 2; a changed body with
   * event_id_conflict) and the other items fail on their own with unknown_data_source.
   */
  async set(
    environmentId: string,
    inventorySystem: string,
    items: readonly WriteItem<OnHandInput>[],
  ): Promise<ItemOutcome[]> {
    const config = await this.environments.get(environmentId);
    const source = inventorySystem.toLowerCase();
    if (config.dataSources.has(source)) {
      return this.writeOnHand(environmentId, items, 'setonhand', (cfg, input, path) =>
        toSetCommand(cfg, source, input, path),
      );
    }
    const unknown = new OnhandError(
      'unknown_data_source',
      `Inventory system "${inventorySystem}" is not a configured data source.`,
    );
    const outcomes = await this.writeOnHand(environmentId, items, 'setonhand', () => {
      throw unknown;
    });
    if (outcomes.some((o) => o.replayed || o.code === 'event_id_conflict')) return outcomes;
    throw unknown;
  }

  private async writeOnHand(
    environmentId: string,
    items: readonly WriteItem<OnHandInput>[],
    family: OnHandWork['family'],
    toCommand: (
      config: Awaited<ReturnType<Environments['get']>>,
      input: OnHandInput,
      path: string,
    ) => OnHandCommand,
  ): Promise<ItemOutcome[]> {
    const current = await this.environments.get(environmentId);
    const recordedAt = this.clock().toISOString();
    // Each item is prepared with the current configuration and applied only under it (withConfiguration).
    const outcomes = items.map(({ input, path, clientId = null }) =>
      withConfiguration(
        this.environments,
        environmentId,
        (config, guard) => {
          const hash = requestHash(input);
          try {
            const command = toCommand(config, input, path);
            const lockKey = lockKeyOf(
              environmentId,
              command.organizationId,
              command.productId,
              command.partitionId,
            );
            // The hash is taken from the request as sent (requestHash), so a retried count without
            // modifiedDateTimeUTC matches its first attempt; only then does it take the time it was received.
            const effective =
              command.kind === 'onhand.set' && command.countedAt === null
                ? { ...command, countedAt: recordedAt }
                : command;
            const work: OnHandWork = {
              environmentId,
              family,
              eventId: command.eventId,
              command: effective,
              hash,
              recordedAt,
              clientId,
              path,
            };
            // Not awaited here: a failure of the write itself (the database) is the request's, not the item's.
            return this.onHandWriter.submit(lockKey, work, guard);
          } catch (error) {
            const rejected = failureFromThrown(typeof input.id === 'string' ? input.id : '', error);
            if (!isUsableId(input.id)) return Promise.resolve(rejected);
            // Still ask the ledger: this may be the retry of an event accepted before a configuration change.
            const work: OnHandWork = {
              environmentId,
              family,
              eventId: input.id,
              rejected,
              hash,
              recordedAt,
              path,
            };
            return this.onHandWriter.submit(lockKeyOf(environmentId, '', input.id, ''), work, guard);
          }
        },
        current,
      ),
    );
    return Promise.all(outcomes);
  }
}
