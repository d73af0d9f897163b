import { createHash } from 'node:crypto';
import { detail, OnhandError } from '../../domain/codes.js';
import { type DigestItem, digestText, parseMeasure } from '../../domain/digest/availability-digest.js';
import { formatQty } from '../../domain/quantity.js';
import type { IndexQueryInput } from '../../domain/query/parse-query.js';
import type { OnHandRow } from '../../domain/query/query-plan.js';
import type { QueryOptions } from '../queries/query-runner.js';

/** What a digest covers: products and places of one organization, at one group-by level, one measure. */
export interface DigestRequest {
  readonly organizationId: string;
  readonly productIds: readonly string[];
  readonly siteIds?: readonly string[];
  readonly locationIds?: readonly string[];
  readonly groupBy: readonly string[];
  readonly measure: string;
}

/** The digest of the availability of a set of products and places, and the position it reflects. */
export interface AvailabilityDigest {
  readonly position: number;
  readonly measure: string;
  /** Values that are not zero, i.e. lines of the canonical text. */
  readonly count: number;
  /** SHA-256 of the canonical text, hex. */
  readonly digest: string;
}

type IndexQuery = (input: IndexQueryInput, options: QueryOptions) => Promise<OnHandRow[]>;

/**
 * Runs the index query that a cache loads with (grouped by `groupBy`, negatives included) and digests
 * the measure's values (domain/digest). `options.asOf` pins the answer to a position, so a cache at
 * that position can compare its own digest exactly.
 */
export async function availabilityDigest(
  indexQuery: IndexQuery,
  request: DigestRequest,
  options: QueryOptions,
): Promise<AvailabilityDigest> {
  const measure = parseMeasure(request.measure);
  if (measure === undefined) {
    throw new OnhandError(
      'invalid_request',
      'measure must be "dataSource.measure", e.g. iv.availabletoreserve.',
      [detail('invalid_request', '/measure', 'Use dataSource.measure.')],
    );
  }
  const filters: Record<string, string[]> = {
    organizationId: [request.organizationId],
    productId: [...request.productIds],
  };
  if (request.siteIds !== undefined) filters.siteId = [...request.siteIds];
  if (request.locationIds !== undefined) filters.locationId = [...request.locationIds];
  let position = 0;
  const rows = await indexQuery(
    { filters, groupByValues: [...request.groupBy], returnNegative: true },
    {
      ...options,
      onPosition: (p) => {
        position = p;
        options.onPosition?.(p);
      },
    },
  );
  const items: DigestItem[] = rows.map((row) => {
    const value = row.quantities[measure.dataSource]?.[measure.measure];
    return { productId: row.productId, dimensions: row.dimensions, quantity: formatQty(value ?? 0n) };
  });
  const text = digestText(items);
  return {
    position,
    measure: `${measure.dataSource}.${measure.measure}`,
    count: text === '' ? 0 : text.split('\n').length,
    digest: createHash('sha256').update(text, 'utf8').digest('hex'),
  };
}
