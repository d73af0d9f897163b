import { tshirtEvent } from '../../support/harness.js';
import { ENV, type ExpectedError } from '../api-helpers.js';

/*
 * The request builders and case shape of the bad-input tables (test/api/bad-input.test.ts, design rule
 * 5): each case is sent to a running app and must fail with its status, code and path, changing nothing.
 */

export interface BadCase extends ExpectedError {
  readonly name: string;
  readonly method?: string;
  readonly url?: string;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  /** Run against the app with small limits. */
  readonly limited?: boolean;
}

export const ONHAND = `${ENV}/onhand`;
export const BULK = `${ENV}/onhand/bulk`;
export const INDEX = `${ENV}/onhand/indexquery`;
export const EXACT = `${ENV}/onhand/exactquery`;
export const event = tshirtEvent;
export const qty = (inbound: unknown) => event('bad', { quantities: { pos: { inbound } } });
export const dims = (dimensions: Record<string, string>) =>
  event('bad', { dimensionDataSource: null, dimensions });
export const query = (filters: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  filters: {
    organizationId: ['usmf'],
    productId: ['T-shirt'],
    siteId: ['1'],
    locationId: ['11'],
    ...filters,
  },
  ...extra,
});
export const long = (n: number, c = 'x') => c.repeat(n);
