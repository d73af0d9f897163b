import type { CompiledConfiguration } from '../../../src/domain/config/compiled-configuration.js';
import type { Dimensions } from '../../../src/domain/dimensions.js';
import { qtyOf } from '../../../src/domain/quantity.js';
import { type IndexQueryInput, parseIndexQuery } from '../../../src/domain/query/parse-query.js';
import {
  DEFAULT_QUERY_LIMITS,
  type OnHandRow,
  type StockValue,
} from '../../../src/domain/query/query-plan.js';

/* The limits, stock builders and query helpers shared by test/domain/aggregate*.test.ts. */

export const STRICT = { ...DEFAULT_QUERY_LIMITS, strictIndex: true };
export const CLAMP = { negativeMode: 'clamp' } as const;
export const DROP = { negativeMode: 'dropRow' } as const;

export const stock = (
  productId: string,
  dimensions: Dimensions,
  measure: `${string}.${string}`,
  quantity: number | string,
  organizationId = 'usmf',
): StockValue => {
  const [dataSource = '', name = ''] = measure.split('.');
  return { organizationId, productId, dimensions, dataSource, measure: name, quantity: qtyOf(quantity) };
};

export const indexQuery = (
  config: CompiledConfiguration,
  input: Partial<IndexQueryInput>,
  version: 1 | 2 = 1,
) => parseIndexQuery(config, { filters: { organizationId: ['usmf'] }, ...input }, STRICT, version);

/** [productId, dimensions, pos.inbound] of each row. */
export const inbound = (rows: OnHandRow[]) =>
  rows.map((r) => [r.productId, r.dimensions, r.quantities.pos?.inbound]);
