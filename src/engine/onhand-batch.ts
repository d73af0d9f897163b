import { applyOnHand, type MeasureEffect } from '../domain/apply-onhand.js';
import { OnhandError } from '../domain/codes.js';
import { dimensionsKey } from '../domain/dimensions.js';
import type { OnHandCommand } from '../domain/onhand-command.js';
import { formatQty } from '../domain/quantity.js';
import type { LedgerChange, LedgerEntry, StockKey, StockRow, StoreTx } from '../store/store.js';
import { EventRegistry } from './event-registry.js';
import { appendAtCommit, type BatchHandler } from './group-commit.js';
import { failureOf, type ItemOutcome, success } from './outcome.js';
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
  // The row ids of a command's values share its place (environment, product, tuple): built once each.
  const places = items.map((w) => (w.command ? placeOf(w.environmentId, w.command) : ''));
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
    loadRows(tx, items, places),
  ]);
  const dirty = new Map<string, StockRow>();
  const ledger: LedgerEntry[] = [];
  const outcomes = items.map((work, i): ItemOutcome => {
    const { command } = work;
    const known = events.check(work.environmentId, work.family, work.eventId, work.hash);
    if (known) return known;
    if (!command) return work.rejected ?? failureOf(work.eventId, new OnhandError('internal_error'));
    try {
      const place = places[i] as string;
      const { effects, staleMeasures } = applyOnHand(command, (ds, m) => state.get(rowIdAt(place, ds, m)));
      const changes: LedgerChange[] = [];
      for (const effect of effects) {
        const id = rowIdAt(place, effect.dataSource, effect.measure);
        const created = !state.has(id);
        const row: StockRow = {
          organizationId: command.organizationId,
          productId: command.productId,
          dimensions: command.dimensions,
          dataSource: effect.dataSource,
          measure: effect.measure,
          partitionId: command.partitionId,
          quantity: effect.after,
          countedAt: effect.countedAt,
        };
        state.set(id, row);
        dirty.set(id, row);
        if (effect.after !== effect.before || created) changes.push(changeOf(command, effect, created));
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
        request: ledgerRequest(command),
        // success() holds strings only: it is its own JSON-compatible form (outcomeForLedger's result).
        outcome,
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

/** The stored value a command's effect changed, as the ledger records it (key order as StockKey's). */
function changeOf(command: OnHandCommand, effect: MeasureEffect, created: boolean): LedgerChange {
  const delta = effect.after - effect.before;
  return created
    ? {
        organizationId: command.organizationId,
        productId: command.productId,
        dimensions: command.dimensions,
        dataSource: effect.dataSource,
        measure: effect.measure,
        delta,
        created: true,
      }
    : {
        organizationId: command.organizationId,
        productId: command.productId,
        dimensions: command.dimensions,
        dataSource: effect.dataSource,
        measure: effect.measure,
        delta,
      };
}

/**
 * The command as the ledger stores it: what jsonSafe(command) gives (the same fields in the same
 * order, quantities as exact decimal text), built without the generic copy; the canonical tuple is
 * shared, as it holds strings only (test/engine/onhand-ledger-request.test.ts compares both).
 */
export function ledgerRequest(command: OnHandCommand): unknown {
  return {
    kind: command.kind,
    eventId: command.eventId,
    organizationId: command.organizationId,
    productId: command.productId,
    dimensions: command.dimensions,
    partitionId: command.partitionId,
    values: command.values.map((v) => ({
      dataSource: v.dataSource,
      measure: v.measure,
      value: formatQty(v.value),
    })),
    countedAt: command.countedAt,
  };
}

/** The shared start of the row ids of one command's values: environment, organization, product, tuple. */
function placeOf(
  environmentId: string,
  key: Pick<StockKey, 'organizationId' | 'productId' | 'dimensions'>,
): string {
  return `${environmentId}\u0000${key.organizationId}\u0000${key.productId}\u0000${dimensionsKey(key.dimensions)}`;
}

/**
 * In-memory identity of a stored value, environment first (NUL-separated; ids contain no control
 * characters): its place (placeOf), data source and measure.
 */
function rowIdAt(place: string, dataSource: string, measure: string): string {
  return `${place}\u0000${dataSource}\u0000${measure}`;
}

async function loadRows(
  tx: StoreTx,
  items: readonly OnHandWork[],
  places: readonly string[],
): Promise<Map<string, StockRow>> {
  const keys = new Map<string, Map<string, StockKey>>();
  const partitions = new Map<string, Set<string>>();
  for (const [i, { environmentId, command }] of items.entries()) {
    if (!command) continue;
    const forEnv = keys.get(environmentId) ?? new Map<string, StockKey>();
    keys.set(environmentId, forEnv);
    const envPartitions = partitions.get(environmentId) ?? new Set<string>();
    partitions.set(environmentId, envPartitions.add(command.partitionId));
    const place = places[i] as string;
    for (const { dataSource, measure } of command.values) {
      forEnv.set(rowIdAt(place, dataSource, measure), {
        organizationId: command.organizationId,
        productId: command.productId,
        dimensions: command.dimensions,
        dataSource,
        measure,
      });
    }
  }
  const state = new Map<string, StockRow>();
  const reads = [...keys].map(async ([environmentId, forEnv]) => {
    const named = [...(partitions.get(environmentId) ?? [])];
    for (const row of await tx.readRows(environmentId, [...forEnv.values()], named)) {
      state.set(rowIdAt(placeOf(environmentId, row), row.dataSource, row.measure), row);
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
