import type { LedgerChange, LedgerEntry } from '../records.js';

/**
 * The formats of a ledger row (docs/architecture.md, "The ledger's format"). The columns are the same
 * in every format; what differs is how the outcome and the changes are written, and the `format` column
 * says which:
 * - 1 (NULL in the column: rows written before format 2 existed): the outcome as JSON; the changes as a
 *   JSON array of objects with key names, each repeating its organization, product and dimensions.
 * - 2: the changes grouped (below); the outcome as JSON.
 * - 3: format 2 whose outcome is the plain success of its event id (`{"id":…,"status":"success",
 *   "message":""}`, what almost every entry answers), not stored (JSON null) and rebuilt on read.
 * The request is stored as JSON in every format: it is what the entry reads back as.
 *
 * Changes in format 2: a JSON array of groups, each the consecutive changes of one (organization,
 * product, dimensions, date); a group is `[date, items]` when its organization, product and dimensions
 * are the request's own (the usual case: they are not repeated) and `[organization, product,
 * dimensions, date, items]` otherwise; `date` is null for stock; each item is `[dataSource, measure,
 * delta]` or `[dataSource, measure, delta, 1]` for a change that created the value, the delta the
 * decimal text of its integer millionths. Order is kept, so a change reads back exactly as written.
 */
export type EntryFormat = 1 | 2 | 3;

/** The format new entries are written in once a database has been switched (ledger_format table). */
export const NEWEST_WRITE_FORMAT = 2;

/** The stored texts of an entry's outcome and changes, and the value of its `format` column. */
export interface StoredTexts {
  readonly outcome: string;
  readonly changes: string;
  readonly format: EntryFormat | null;
}

/** What the stored texts of an entry are made of. */
export type EntryContent = Pick<LedgerEntry, 'eventId' | 'request' | 'outcome' | 'changes'>;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Item = [string, string, string] | [string, string, string, 1];
type Group = [string | null, Item[]] | [string, string, unknown, string | null, Item[]];

/** JSON text of a value; `undefined` becomes `null`. */
function toJson(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

/** The texts format 1 writes: what servers of the release before format 2 wrote and read. */
export function formatOneTexts(e: EntryContent): StoredTexts {
  return { outcome: toJson(e.outcome), changes: encodeChangesV1(e.changes), format: null };
}

/** JSON text of changes in format 1, deltas exact. */
export function encodeChangesV1(changes: readonly LedgerChange[]): string {
  return JSON.stringify(
    changes.map((c) => ({
      organizationId: c.organizationId,
      productId: c.productId,
      dimensions: c.dimensions,
      dataSource: c.dataSource,
      measure: c.measure,
      delta: c.delta.toString(),
      ...(c.date === undefined ? {} : { date: c.date }),
      ...(c.created ? { created: true } : {}),
    })),
  );
}

/** The texts of an entry in `format` (1: formatOneTexts; 2: format 2, or 3 when the outcome is elided). */
export function storedTexts(e: EntryContent, format: 1 | 2): StoredTexts {
  if (format === 1) return formatOneTexts(e);
  const changes = encodeChangesV2(e.changes, e.request);
  if (e.eventId !== null && isPlainSuccessObject(e.outcome, e.eventId))
    return { outcome: 'null', changes, format: 3 };
  const outcome = toJson(e.outcome);
  return e.eventId !== null && outcome === plainSuccess(e.eventId)
    ? { outcome: 'null', changes, format: 3 }
    : { outcome, changes, format: 2 };
}

/**
 * Whether an outcome is certainly the plain success of `eventId` (its JSON is plainSuccess's text)
 * without writing it: a plain object with exactly `id`, `status` and `message`, in that order. Any
 * other outcome is compared by its JSON text.
 */
function isPlainSuccessObject(outcome: unknown, eventId: string): boolean {
  if (outcome === null || typeof outcome !== 'object' || Object.getPrototypeOf(outcome) !== Object.prototype)
    return false;
  const o = outcome as Record<string, unknown>;
  if (o.id !== eventId || o.status !== 'success' || o.message !== '') return false;
  const keys = Object.keys(o);
  return keys.length === 3 && keys[0] === 'id' && keys[1] === 'status' && keys[2] === 'message';
}

/** The outcome of a stored row, given its event id and format. */
export function decodeOutcome(text: string, eventId: string | null, format: number | null): unknown {
  if (format === 3) return { id: eventId, status: 'success', message: '' };
  return JSON.parse(text) as unknown;
}

/** The changes of a stored row, given its request (parsed) and format. */
export function decodeChanges(text: string, request: unknown, format: number | null): LedgerChange[] {
  if (format === null || format === 1) {
    return (JSON.parse(text) as (Omit<LedgerChange, 'delta'> & { delta: string })[]).map((c) => ({
      ...c,
      delta: BigInt(c.delta),
    }));
  }
  const target = targetOf(request);
  const changes: LedgerChange[] = [];
  for (const group of JSON.parse(text) as Group[]) {
    const own = group.length === 2;
    const [organizationId, productId, dimensions] = own ? (target ?? []) : group;
    const date = own ? group[0] : group[3];
    const items = own ? group[1] : group[4];
    for (const [dataSource, measure, delta, created] of items) {
      // Keys in this order (date and created last, when set): the change's JSON reads as it always did.
      const change: Mutable<LedgerChange> = {
        organizationId: organizationId as string,
        productId: productId as string,
        dimensions: dimensions as LedgerChange['dimensions'],
        dataSource,
        measure,
        delta: BigInt(delta),
      };
      if (date !== null) change.date = date;
      if (created === 1) change.created = true;
      changes.push(change);
    }
  }
  return changes;
}

/** The outcome text format 3 leaves out. */
function plainSuccess(eventId: string): string {
  return `{"id":${JSON.stringify(eventId)},"status":"success","message":""}`;
}

/** The organization, product and dimensions a request names, when it names all three. */
function targetOf(request: unknown): [string, string, unknown] | undefined {
  if (request === null || typeof request !== 'object') return undefined;
  const { organizationId, productId, dimensions } = request as Record<string, unknown>;
  if (typeof organizationId !== 'string' || typeof productId !== 'string') return undefined;
  if (dimensions === null || typeof dimensions !== 'object') return undefined;
  return [organizationId, productId, dimensions];
}

function encodeChangesV2(changes: readonly LedgerChange[], request: unknown): string {
  const target = targetOf(request);
  let targetText: string | undefined;
  const groups: Group[] = [];
  let last: LedgerChange | undefined;
  let items: Item[] = [];
  for (const c of changes) {
    const date = c.date ?? null;
    // A new group where the place (organization, product, dimensions as JSON) or the date changes.
    if (
      last === undefined ||
      `${date}` !== `${last.date ?? null}` ||
      !samePlace(c, last.organizationId, last.productId, last.dimensions)
    ) {
      items = [];
      let own = false;
      if (target !== undefined) {
        own = c.organizationId === target[0] && c.productId === target[1] && c.dimensions === target[2];
        if (!own) {
          targetText ??= JSON.stringify(target);
          own = placeText(c) === targetText;
        }
      }
      groups.push(own ? [date, items] : [c.organizationId, c.productId, c.dimensions, date, items]);
    }
    last = c;
    const delta = c.delta.toString();
    items.push(c.created ? [c.dataSource, c.measure, delta, 1] : [c.dataSource, c.measure, delta]);
  }
  return JSON.stringify(groups);
}

/** The JSON of a change's place: its organization, product and dimensions. */
function placeText(c: LedgerChange): string {
  return JSON.stringify([c.organizationId, c.productId, c.dimensions]);
}

/**
 * Whether a change's place writes the same JSON as the given one: the same values (the usual case:
 * the changes of one entry share its tuple) or, failing that, the same text.
 */
function samePlace(c: LedgerChange, organizationId: string, productId: string, dimensions: unknown): boolean {
  if (c.organizationId === organizationId && c.productId === productId && c.dimensions === dimensions)
    return true;
  return placeText(c) === JSON.stringify([organizationId, productId, dimensions]);
}
