import { lockKeyOf } from '../../domain/partition.js';
import { type ScheduleInput, toScheduleCommand } from '../../domain/schedule/schedule-command.js';
import { addDays, dateOf } from '../../domain/schedule/schedule-date.js';
import type { ScheduleScope, Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import type { GroupCommitter } from '../group-commit.js';
import { failureFromThrown, type ItemOutcome } from '../outcome.js';
import { requestHash } from '../request-hash.js';
import { withConfiguration } from '../with-configuration.js';
import { isUsableId, type WriteItem } from '../write-item.js';
import type { ScheduleWork } from './schedule-batch.js';
import { type RolloverMode, rollOverScope } from './schedule-rollover.js';

/** Scopes read per page by the start-of-day sweep. */
const SWEEP_PAGE = 200;

/** On-hand change schedules (spec §3): posting them, and ending them when their date comes. */
export class Schedules {
  constructor(
    private readonly store: Store,
    private readonly environments: Environments,
    private readonly clock: () => Date,
    private readonly writer: GroupCommitter<ScheduleWork, ItemOutcome>,
    private readonly report: (error: unknown) => void,
  ) {}

  /** Change schedules (single or bulk), one outcome per item, in order. */
  async change(environmentId: string, items: readonly WriteItem<ScheduleInput>[]): Promise<ItemOutcome[]> {
    await this.environments.get(environmentId);
    const now = this.clock();
    const today = dateOf(now);
    const recordedAt = now.toISOString();
    // Each item is prepared with the current configuration and applied only under it (withConfiguration).
    return Promise.all(
      items.map(({ input, path, clientId = null }) =>
        withConfiguration(this.environments, environmentId, (config, guard) => {
          const commitOnDate = config.schedule.commitOnDate;
          const hash = requestHash(input);
          try {
            const command = toScheduleCommand(config, input, today, path);
            const lockKey = lockKeyOf(
              environmentId,
              command.organizationId,
              command.productId,
              command.partitionId,
            );
            const work: ScheduleWork = {
              environmentId,
              eventId: command.eventId,
              command,
              commitOnDate,
              hash,
              recordedAt,
              clientId,
              path,
            };
            return this.writer.submit(lockKey, work, guard);
          } catch (error) {
            const rejected = failureFromThrown(typeof input.id === 'string' ? input.id : '', error);
            if (!isUsableId(input.id)) return Promise.resolve(rejected);
            // Still ask the ledger: this may be the retry of a schedule accepted before a change of day or configuration.
            const work: ScheduleWork = {
              environmentId,
              eventId: input.id,
              rejected,
              commitOnDate,
              hash,
              recordedAt,
              path,
            };
            return this.writer.submit(lockKeyOf(environmentId, '', input.id, ''), work, guard);
          }
        }),
      ),
    );
  }

  /**
   * The start-of-day sweep, in every environment: scheduled changes whose date has come are committed
   * to stock (commitScheduledChanges: at the start of their date), or lapse once their date has passed
   * (the vendor's rule). Safe to run at any time, in any number of processes at once: each scheduled
   * value ends exactly once (rollOverScope). Returns how many scheduled values ended.
   */
  async rollOver(): Promise<number> {
    let ended = 0;
    for (const record of await this.store.listEnvironments()) {
      const environmentId = record.environmentId;
      let config: Awaited<ReturnType<Environments['get']>>;
      try {
        config = await this.environments.get(environmentId);
      } catch (error) {
        this.report(error);
        continue;
      }
      const today = dateOf(this.clock());
      const mode: RolloverMode = config.schedule.commitOnDate ? 'commit' : 'lapse';
      ended += await this.sweepEnvironment(
        environmentId,
        mode === 'commit' ? addDays(today, 1) : today,
        mode,
      );
    }
    return ended;
  }

  private async sweepEnvironment(
    environmentId: string,
    beforeDate: string,
    mode: RolloverMode,
  ): Promise<number> {
    let ended = 0;
    const failed = new Set<string>();
    for (;;) {
      const scopes = (
        await this.store.listScheduleScopes(environmentId, beforeDate, SWEEP_PAGE + failed.size)
      ).filter((scope) => !failed.has(scopeKey(scope)));
      if (scopes.length === 0) return ended;
      const recordedAt = this.clock().toISOString();
      for (const scope of scopes) {
        try {
          ended += await rollOverScope(this.store, environmentId, scope, beforeDate, mode, recordedAt);
        } catch (error) {
          // E.g. a commit that would take a stored value out of range: leave it, report it, go on.
          failed.add(scopeKey(scope));
          this.report(error);
        }
      }
    }
  }
}

function scopeKey(scope: ScheduleScope): string {
  return [scope.organizationId, scope.productId, scope.partitionId].join('\u0000');
}
