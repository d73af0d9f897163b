import { applyOnHand } from '../domain/apply-onhand.js';
import { OnhandError } from '../domain/codes.js';
import { dimensionsKey } from '../domain/dimensions.js';
import type { OnHandCommand } from '../domain/onhand-command.js';
import type { LedgerChange, LedgerEntry, StockKey, StockRow, StoreTx } from '../store/store.js';
import { EventRegistry, jsonSafe } from './event-registry.js';
import { appendAtCommit, type BatchHandler } from './group-commit.js';
import { failureOf, type ItemOutcome, outcomeForLedger, success } from './outcome.js';
import { withPathPrefix } from './path-prefix.js';

/**
 * One on-hand change or count waiting to be written, or one that failed validation (`rejected`):
 * that one still passes through the batch so a retry of an event recorded earlier is answered with
 * its first outcome even if the configuration changed since (the failure is returned otherwise).
 */
export interface OnHandWork {
  readonly environmentId: string;
  readonly family: 'onhand' | 'setonhand';
  readonly eventId: string;
  readonly command?: OnHandCommand;
  readonly rejected?: ItemOutcome;
  readonly hash: string;
  readonly recordedAt: string;
  /** The client whose request it is, recorded with the ledger entry. */
  readonly clientId?: string | null;
  /** JSON pointer of the item in its request ("" or "/3"), prefixed to error paths. */
  readonly path: string;
}

/**
 * Applies a batch of on-hand changes and counts in one transaction, in order: reads every touched
 * row once, applies each command to the in-memory state (each checked on its own), then writes the
 * changed rows and the ledger entries. Idempotency: an event id already recorded (in the database or
 * earlier in this batch) returns its first outcome with the same body, or a conflict otherwise.
 */
export function onHandBatch(report: (error: unknown) => void): BatchHandler<OnHandWork, ItemOutcome> {
  return (tx, items) => applyOnHandBatch(tx, items, report);
}

async function applyOnHandBatch(
  tx: StoreTx,
  items: readonly OnHandWork[],
  report: (error: unknown) => void,
): Promise<ItemOutcome[]> {
  // Both reads are started at once: on PostgreSQL they share one round trip.
  const [events, state] = await Promise.all([
    EventRegistry.load(
      tx,
      items.map((w) => ({
        environmentId: w.environmentId,
        family: w.family,
        eventId: w.eventId,
        partitionId: w.command?.partitionId,
      })),
    ),
    loadRows(tx, items),
  ]);
  const dirty = new Map<string, StockRow>();
  const ledger: LedgerEntry[] = [];
  const outcomes = items.map((work): ItemOutcome => {
    const { command } = work;
    const known = events.check(work.environmentId, work.family, work.eventId, work.hash);
    if (known) return known;
    if (!command) return work.rejected ?? failureOf(work.eventId, new OnhandError('internal_error'));
    try {
      const { effects, staleMeasures } = applyOnHand(command, (ds, m) =>
        state.get(rowId(work.environmentId, keyOf(command, ds, m))),
      );
      const changes: LedgerChange[] = [];
      for (const effect of effects) {
        const key = keyOf(command, effect.dataSource, effect.measure);
        const id = rowId(work.environmentId, key);
        const created = !state.has(id);
        const row: StockRow = {
          ...key,
          partitionId: command.partitionId,
          quantity: effect.after,
          countedAt: effect.countedAt,
        };
        state.set(id, row);
        dirty.set(id, row);
        if (effect.after !== effect.before || created)
          changes.push({
            ...key,
            delta: effect.after - effect.before,
            ...(created ? { created: true as const } : {}),
          });
      }
      const message =
        staleMeasures.length > 0
          ? `Not applied to ${staleMeasures.join(', ')}: a newer count was already applied.`
          : '';
      const outcome = success(command.eventId, message);
      ledger.push({
        environmentId: work.environmentId,
        partitionId: command.partitionId,
        family: work.family,
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
      events.remember(work.environmentId, work.family, command.eventId, work.hash, outcome);
      return outcome;
    } catch (error) {
      if (error instanceof OnhandError) return failureOf(command.eventId, withPathPrefix(error, work.path));
      // An unexpected error fails this item only, not the other requests sharing the batch.
      report(error);
      return failureOf(command.eventId, new OnhandError('internal_error'));
    }
  });
  const byEnvironment = groupBy([...dirty.entries()], ([id]) => id.slice(0, id.indexOf('\u0000')));
  for (const [environmentId, rows] of byEnvironment)
    await tx.writeRows(
      environmentId,
      rows.map(([, row]) => row),
    );
  await appendAtCommit(tx, ledger);
  return outcomes;
}

function keyOf(command: OnHandCommand, dataSource: string, measure: string): StockKey {
  return {
    organizationId: command.organizationId,
    productId: command.productId,
    dimensions: command.dimensions,
    dataSource,
    measure,
  };
}

/** In-memory identity of a stored value, environment first (NUL-separated; ids contain no control characters). */
function rowId(environmentId: string, key: StockKey): string {
  return [
    environmentId,
    key.organizationId,
    key.productId,
    dimensionsKey(key.dimensions),
    key.dataSource,
    key.measure,
  ].join('\u0000');
}

async function loadRows(tx: StoreTx, items: readonly OnHandWork[]): Promise<Map<string, StockRow>> {
  const keys = new Map<string, Map<string, StockKey>>();
  const partitions = new Map<string, Set<string>>();
  for (const { environmentId, command } of items) {
    if (!command) continue;
    const forEnv = keys.get(environmentId) ?? new Map<string, StockKey>();
    keys.set(environmentId, forEnv);
    const envPartitions = partitions.get(environmentId) ?? new Set<string>();
    partitions.set(environmentId, envPartitions.add(command.partitionId));
    for (const { dataSource, measure } of command.values) {
      const key = keyOf(command, dataSource, measure);
      forEnv.set(rowId(environmentId, key), key);
    }
  }
  const state = new Map<string, StockRow>();
  const reads = [...keys].map(async ([environmentId, forEnv]) => {
    const named = [...(partitions.get(environmentId) ?? [])];
    for (const row of await tx.readRows(environmentId, [...forEnv.values()], named)) {
      state.set(rowId(environmentId, row), row);
    }
  });
  await Promise.all(reads);
  return state;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = groups.get(key) ?? [];
    list.push(item);
    groups.set(key, list);
  }
  return groups;
}
