import { fail } from './codes.js';
import type { OnHandCommand } from './onhand-command.js';
import { formatQty, isStorable, type Qty } from './quantity.js';

/** The stored state of one measure that a command touches. */
export interface MeasureState {
  readonly quantity: Qty;
  readonly countedAt: string | null;
}

/** What applying a command does to one measure. */
export interface MeasureEffect {
  readonly dataSource: string;
  readonly measure: string;
  readonly before: Qty;
  readonly after: Qty;
  readonly countedAt: string | null;
}

/** Result of applying one on-hand command. */
export interface OnHandEffects {
  readonly effects: readonly MeasureEffect[];
  /** Measures of a count left alone because a newer count was already applied to them. */
  readonly staleMeasures: readonly string[];
}

/**
 * Applies an on-hand change (deltas) or a count (absolute values) to the current state of the
 * measures it names. `state(ds, measure)` returns the stored state, or undefined when none exists.
 *
 * Counts and modifiedDateTimeUTC (spec §2.6, Onhand's rule): every measure remembers the effective
 * time of the last count applied to it. A count whose effective time is older than that is ignored
 * for that measure (a late, stale count must not overwrite a newer one); equal or newer counts apply.
 * Times are compared as instants (see instant).
 * Deltas never change the remembered time. `countedAt` of the command must already be filled in.
 *
 * Throws quantity_out_of_range when a resulting value would leave the storable range.
 */
export function applyOnHand(
  command: OnHandCommand,
  state: (dataSource: string, measure: string) => MeasureState | undefined,
): OnHandEffects {
  const effects: MeasureEffect[] = [];
  const staleMeasures: string[] = [];
  for (const { dataSource, measure, value } of command.values) {
    const current = state(dataSource, measure);
    const before = current?.quantity ?? 0n;
    if (command.kind === 'onhand.change') {
      const after = before + value;
      checkStorable(after, dataSource, measure);
      effects.push({ dataSource, measure, before, after, countedAt: current?.countedAt ?? null });
      continue;
    }
    if (countIsStale(current?.countedAt ?? null, command.countedAt)) {
      staleMeasures.push(`${dataSource}.${measure}`);
      continue;
    }
    checkStorable(value, dataSource, measure);
    effects.push({ dataSource, measure, before, after: value, countedAt: command.countedAt });
  }
  return { effects, staleMeasures };
}

/**
 * Whether a count effective at `countedAt` is left alone on a measure whose last applied count was
 * effective at `last` (applyOnHand's rule; the in-memory stock views follow it too).
 */
export function countIsStale(last: string | null, countedAt: string | null): boolean {
  return last !== null && countedAt !== null && instant(countedAt) < instant(last);
}

/**
 * Counts are ordered by the instant they name, never by their text: text order and time order differ
 * for a six-digit year (+010000-…, which an older version could store) and for any other form than
 * the one toISOString writes. A time that does not parse orders before every other, so a count with a
 * readable time replaces it.
 */
function instant(time: string): number {
  const millis = Date.parse(time);
  return Number.isNaN(millis) ? Number.NEGATIVE_INFINITY : millis;
}

function checkStorable(value: Qty, dataSource: string, measure: string): void {
  if (!isStorable(value)) {
    fail(
      'quantity_out_of_range',
      `/quantities/${dataSource}/${measure}`,
      `The stored value of ${dataSource}.${measure} would become ${formatQty(value)}, beyond the supported range.`,
    );
  }
}
