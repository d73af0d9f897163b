import { applyOnHand } from '../domain/apply-onhand.js';
import { OnhandError } from '../domain/codes.js';
import { dimensionsKey } from '../domain/dimensions.js';
import type { OnHandCommand } from '../domain/onhand-command.js';
import type { LedgerChange, LedgerEntry, StockKey, StockRow, StoreTx } from '../store/store.js';
import { EventRegistry, jsonSafe } from './event-registry.js';
import { failureOf, type ItemOutcome, success } from './outcome.js';

/** One on-hand change or count waiting to be written. */
export interface OnHandWork {
  readonly environmentId: string;
  readonly family: 'onhand' | 'setonhand';
  readonly command: OnHandCommand;
  readonly hash: string;
  readonly recordedAt: string;
  /** JSON pointer of the item in its request ("" or "/3"), prefixed to error paths. */
  readonly path: string;
}

/**
 * Applies a batch of on-hand changes and counts in one transaction, in order: reads every touched
 * row once, applies each command to the in-memory state (each checked on its own), then writes the
 * changed rows and the ledger entries. Idempotency: an event id already recorded (in the database or
 * earlier in this batch) returns its first outcome with the same body, or a conflict otherwise.
 */
export async function applyOnHandBatch(tx: StoreTx, items: readonly OnHandWork[]): Promise<ItemOutcome[]> {
  const events = await EventRegistry.load(
    tx,
    items.map((w) => ({ environmentId: w.environmentId, family: w.family, eventId: w.command.eventId })),
  );
  const state = await loadRows(tx, items);
  const dirty = new Map<string, StockRow>();
  const ledger: LedgerEntry[] = [];
  const outcomes = items.map((work): ItemOutcome => {
    const { command } = work;
    const known = events.check(work.environmentId, work.family, command.eventId, work.hash);
    if (known) return known;
    try {
      const { effects, staleMeasures } = applyOnHand(command, (ds, m) =>
        state.get(rowId(work.environmentId, keyOf(command, ds, m))),
      );
      const changes: LedgerChange[] = [];
      for (const effect of effects) {
        const key = keyOf(command, effect.dataSource, effect.measure);
        const id = rowId(work.environmentId, key);
        const row: StockRow = {
          ...key,
          partitionId: command.partitionId,
          quantity: effect.after,
          countedAt: effect.countedAt,
        };
        state.set(id, row);
        dirty.set(id, row);
        if (effect.after !== effect.before) changes.push({ ...key, delta: effect.after - effect.before });
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
        outcome,
        changes,
      });
      events.remember(work.environmentId, work.family, command.eventId, work.hash, outcome);
      return outcome;
    } catch (error) {
      if (error instanceof OnhandError) return failureOf(command.eventId, withPathPrefix(error, work.path));
      throw error;
    }
  });
  const byEnvironment = groupBy([...dirty.entries()], ([id]) => id.slice(0, id.indexOf('\u0000')));
  for (const [environmentId, rows] of byEnvironment)
    await tx.writeRows(
      environmentId,
      rows.map(([, row]) => row),
    );
  if (ledger.length > 0) await tx.appendLedger(ledger);
  return outcomes;
}

/** The same error with its detail paths placed under the item's path in the request. */
function withPathPrefix(error: OnhandError, prefix: string): OnhandError {
  if (prefix === '') return error;
  const details = error.details.map((d) => ({ ...d, path: `${prefix}${d.path}` }));
  return new OnhandError(error.code, error.message, details);
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
  for (const { environmentId, command } of items) {
    const forEnv = keys.get(environmentId) ?? new Map<string, StockKey>();
    keys.set(environmentId, forEnv);
    for (const { dataSource, measure } of command.values) {
      const key = keyOf(command, dataSource, measure);
      forEnv.set(rowId(environmentId, key), key);
    }
  }
  const state = new Map<string, StockRow>();
  for (const [environmentId, forEnv] of keys) {
    for (const row of await tx.readRows(environmentId, [...forEnv.values()])) {
      state.set(rowId(environmentId, row), row);
    }
  }
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
