import {
  ALLOCATED,
  ALLOCATION_LEVEL_PREFIX,
  ALLOCATION_SOURCE,
  allocationLevels,
} from '../../domain/allocation/allocation-groups.js';
import { OnhandError } from '../../domain/codes.js';
import type { CompiledConfiguration } from '../../domain/config/compiled-configuration.js';
import type { Store } from '../../store/store.js';

/**
 * Open allocations are kept by group path, one value per level g0, g1 … (allocation-groups.ts). A hard
 * update that leaves fewer levels than an open allocation uses would strand it: no group name reaches
 * the level any more, so it could be neither unallocated nor consumed, and its stock would stay
 * ring-fenced for good. Such an update is refused with allocations_in_use while a group path at the
 * first dropped level (or deeper: paths have no gaps) still holds allocated quantity. Renaming or
 * reordering groups keeps the number of levels and is allowed, as in Inventory Visibility (spec §1.12).
 */
export async function checkAllocationLevels(
  store: Store,
  environmentId: string,
  before: CompiledConfiguration,
  next: CompiledConfiguration,
): Promise<void> {
  const had = allocationLevels(before);
  const kept = allocationLevels(next).length;
  if (kept >= had.length) return;
  const level = `${ALLOCATION_LEVEL_PREFIX}${kept}`;
  if (await store.hasStockWithDimension(environmentId, ALLOCATION_SOURCE, ALLOCATED, level)) {
    throw new OnhandError(
      'allocations_in_use',
      `Open allocations use the allocation level g${kept} ("${had[kept]}"), which the new configuration drops; unallocate or consume them first.`,
    );
  }
}
