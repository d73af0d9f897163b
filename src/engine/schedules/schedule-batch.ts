import { OnhandError } from '../../domain/codes.js';
import type { ScheduleCommand } from '../../domain/schedule/schedule-command.js';
import { dateOf, type ScheduleDate } from '../../domain/schedule/schedule-date.js';
import type { LedgerChange, LedgerEntry, StoreTx } from '../../store/store.js';
import { EventRegistry, jsonSafe } from '../event-registry.js';
import type { BatchHandler } from '../group-commit.js';
import { failureOf, type ItemOutcome, outcomeForLedger, success } from '../outcome.js';
import { withPathPrefix } from '../path-prefix.js';
import { ScheduleState } from './schedule-state.js';

/** Idempotency family of change schedules: their event ids are unique per environment. */
export const SCHEDULE_FAMILY = 'changeschedule';

/**
 * One change schedule waiting to be written, or one that failed validation (`rejected`), which still
 * passes through the batch so that the retry of an event recorded earlier gets its first outcome.
 */
export interface ScheduleWork {
  readonly environmentId: string;
  readonly eventId: string;
  readonly command?: ScheduleCommand;
  readonly rejected?: ItemOutcome;
  /** commitScheduledChanges of the configuration the command was checked against. */
  readonly commitOnDate: boolean;
  readonly hash: string;
  readonly recordedAt: string;
  /** The client whose request it is, recorded with the ledger entry. */
  readonly clientId?: string | null;
  /** JSON pointer of the item in its request ("" or "/3"), prefixed to error paths. */
  readonly path: string;
}

/**
 * Applies a batch of change schedules in one transaction, in order, each checked
 * on its own: every entry adds its delta to the value scheduled for its date. With commitOnDate, an
 * entry dated today (or earlier, when midnight passed since it was checked) is due already and is
 * added to actual stock instead, exactly as the start-of-day commit would have. Each accepted item
 * appends one ledger entry (kind schedule.change) listing its changes; scheduled ones carry their date.
 */
export function scheduleBatch(
  clock: () => Date,
  report: (error: unknown) => void,
): BatchHandler<ScheduleWork, ItemOutcome> {
  return async (tx, items) => {
    const today = dateOf(clock());
    const outcomes: ItemOutcome[] = new Array(items.length);
    const byEnvironment = new Map<string, number[]>();
    items.forEach((work, i) => {
      const list = byEnvironment.get(work.environmentId) ?? [];
      list.push(i);
      byEnvironment.set(work.environmentId, list);
    });
    const ledger: LedgerEntry[] = [];
    for (const [environmentId, indexes] of byEnvironment) {
      const works = indexes.map((i) => items[i] as ScheduleWork);
      const results = await applyEnvironment(tx, environmentId, works, today, ledger, report);
      indexes.forEach((index, j) => {
        outcomes[index] = results[j] as ItemOutcome;
      });
    }
    if (ledger.length > 0) await tx.appendLedger(ledger);
    return outcomes;
  };
}

async function applyEnvironment(
  tx: StoreTx,
  environmentId: string,
  works: readonly ScheduleWork[],
  today: ScheduleDate,
  ledger: LedgerEntry[],
  report: (error: unknown) => void,
): Promise<ItemOutcome[]> {
  const events = await EventRegistry.load(
    tx,
    works.map((w) => ({
      environmentId,
      family: SCHEDULE_FAMILY,
      eventId: w.eventId,
      partitionId: w.command?.partitionId,
    })),
  );
  const planned = works.map((w) => (w.command ? changesOf(w.command, w.commitOnDate, today) : []));
  const all = planned.flat();
  const state = await ScheduleState.load(
    tx,
    environmentId,
    all.flatMap((c) => (c.date === undefined ? [] : [{ ...c, date: c.date }])),
    all.filter((c) => c.date === undefined),
    [...new Set(works.flatMap((w) => (w.command ? [w.command.partitionId] : [])))],
  );
  const outcomes = works.map((work, i): ItemOutcome => {
    const known = events.check(environmentId, SCHEDULE_FAMILY, work.eventId, work.hash);
    if (known) return known;
    const { command } = work;
    if (!command) return work.rejected ?? failureOf(work.eventId, new OnhandError('internal_error'));
    let changes = planned[i] ?? [];
    try {
      changes = state.stage(command.partitionId, changes, (c) =>
        c.date === undefined
          ? '/quantitiesByDate'
          : `/quantitiesByDate/${c.date}/${c.dataSource}/${c.measure}`,
      );
    } catch (error) {
      if (error instanceof OnhandError) return failureOf(command.eventId, withPathPrefix(error, work.path));
      report(error);
      return failureOf(command.eventId, new OnhandError('internal_error'));
    }
    const outcome = success(command.eventId);
    ledger.push({
      environmentId,
      partitionId: command.partitionId,
      family: SCHEDULE_FAMILY,
      eventId: command.eventId,
      bodyHash: work.hash,
      kind: command.kind,
      recordedAt: work.recordedAt,
      request: jsonSafe(command),
      outcome: outcomeForLedger(outcome),
      changes,
      reference: null,
      clientId: work.clientId ?? null,
    });
    events.remember(environmentId, SCHEDULE_FAMILY, command.eventId, work.hash, outcome);
    return outcome;
  });
  await state.flush(tx);
  return outcomes;
}

/** The changes a schedule makes: to the value scheduled for each date, or to stock when already due. */
function changesOf(command: ScheduleCommand, commitOnDate: boolean, today: ScheduleDate): LedgerChange[] {
  return command.entries.map((entry) => {
    const change: LedgerChange = {
      organizationId: command.organizationId,
      productId: command.productId,
      dimensions: command.dimensions,
      dataSource: entry.dataSource,
      measure: entry.measure,
      delta: entry.value,
    };
    return commitOnDate && entry.date <= today ? change : { ...change, date: entry.date };
  });
}
