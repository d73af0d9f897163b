import { detail, OnhandError } from '../../domain/codes.js';
import { parseMeasureRef } from '../../domain/config/parse-measure-ref.js';
import type { FeedFilter, Threshold } from '../../domain/feed/feed-filter.js';
import { parseQty } from '../../domain/quantity.js';

type Query = Readonly<Record<string, string | string[] | undefined>>;

/** A position (decimal digits); `fallback` when absent. Positions are opaque to clients but always this. */
export function position(raw: string | string[] | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const text = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  const value = text !== undefined && /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    throw new OnhandError('invalid_request', `${name} must be a position the feed gave out.`, [
      detail('invalid_type', `query:${name}`, 'Expected a feed position.'),
    ]);
  }
  return value;
}

/** A yes/no parameter: `true` or `false` (default false). */
export function flag(raw: string | string[] | undefined, name: string): boolean {
  if (raw === undefined) return false;
  const text = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (text === 'true' || text === 'false') return text === 'true';
  throw new OnhandError('invalid_request', `${name} must be true or false.`, [
    detail('invalid_type', `query:${name}`, 'Expected true or false.'),
  ]);
}

/** An integer parameter within bounds, or `fallback`. */
export function integer(
  raw: string | string[] | undefined,
  fallback: number,
  min: number,
  max: number,
  name: string,
): number {
  if (raw === undefined) return fallback;
  const value = Number(Array.isArray(raw) ? raw[raw.length - 1] : raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new OnhandError('invalid_request', `${name} must be an integer from ${min} to ${max}.`, [
      detail('invalid_type', `query:${name}`, `Expected an integer from ${min} to ${max}.`),
    ]);
  }
  return value;
}

/** The filter of a feed request: repeatable lists, and a threshold (`measure` with `below` or `above`). */
export function feedFilter(query: Query): FeedFilter {
  const list = (name: string) => {
    const raw = query[name];
    return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  };
  const filter = {
    productIds: list('productId'),
    siteIds: list('siteId'),
    locationIds: list('locationId'),
    kinds: list('kind'),
  };
  const threshold = thresholdOf(query);
  return threshold ? { ...filter, threshold } : filter;
}

function thresholdOf(query: Query): Threshold | undefined {
  const [measure, below, above] = [query.measure, query.below, query.above].map((v) =>
    Array.isArray(v) ? v[v.length - 1] : v,
  );
  if (measure === undefined && below === undefined && above === undefined) return undefined;
  const ref = measure === undefined ? undefined : parseMeasureRef(measure.toLowerCase());
  if (!ref || (below === undefined) === (above === undefined)) {
    throw new OnhandError(
      'invalid_request',
      'A threshold filter takes measure=dataSource.measure and exactly one of below= or above=.',
      [detail('invalid_request', 'query:measure', 'Give measure with below or above.')],
    );
  }
  const direction = below !== undefined ? 'below' : 'above';
  const value = parseQty((below ?? above) as string, `query:${direction}`);
  return { ...ref, direction, value };
}
