import { expect } from 'vitest';
import type { Harness } from './harness.js';
import { AT, measureAt, ORG } from './reservation-helpers.js';

/** The group paths of the allocation tests (default configuration: channel → customerGroup → …). */
export const WEB_VIP = { channel: 'web', customerGroup: 'VIP' } as const;
export const WEB = { channel: 'web' } as const;
export const STORES = { channel: 'stores' } as const;

/** An allocate / unallocate / consume body at `dimensions` (site 1, location 11 by default). */
export function allocationBody(
  id: string,
  productId: string,
  groups: Record<string, string>,
  quantity: number | string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { id, organizationId: ORG, productId, dimensions: { ...AT }, groups, quantity, ...extra };
}

/** A reallocate body: `quantity` from `sourceGroups` to `groups`. */
export function reallocateBody(
  id: string,
  productId: string,
  sourceGroups: Record<string, string>,
  groups: Record<string, string>,
  quantity: number | string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { ...allocationBody(id, productId, groups, quantity, extra), sourceGroups };
}

/** One record of POST …/allocation/query. */
export interface AllocationRecordJson {
  readonly organizationId: string;
  readonly productId: string;
  readonly dimensions: Record<string, string>;
  readonly groups: Record<string, string>;
  readonly quantities: { '@iv': Record<string, number> };
  readonly allocated: number;
  readonly consumed: number;
  readonly remaining: number;
}

/** The allocation records of a product at `dimensions` under `groups`. */
export async function queryAllocations(
  h: Harness,
  environment: string,
  productId: string,
  groups: Record<string, string> = {},
  dimensions: Record<string, string> = AT,
): Promise<AllocationRecordJson[]> {
  const res = await h.request('POST', `/api/environment/${environment}/allocation/query`, {
    organizationId: ORG,
    productId,
    dimensions,
    groups,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as AllocationRecordJson[];
}

/** @iv.@available_to_allocate at `dimensions` through the index query, in millionths. */
export function ataAt(
  h: Harness,
  environment: string,
  productId: string,
  dimensions: Record<string, string> = AT,
): Promise<bigint> {
  return measureAt(h, environment, productId, dimensions, '@iv', '@available_to_allocate');
}

/** @iv.@allocated at `dimensions` through the index query, in millionths. */
export function allocatedAt(
  h: Harness,
  environment: string,
  productId: string,
  dimensions: Record<string, string> = AT,
): Promise<bigint> {
  return measureAt(h, environment, productId, dimensions, '@iv', '@allocated');
}
