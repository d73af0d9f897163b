import { fail } from '../codes.js';
import type { CompiledConfiguration } from '../config/compiled-configuration.js';
import { canonicalDimensions, type Dimensions } from '../dimensions.js';
import { checkDimensionValue } from '../identifiers.js';

/**
 * Where allocation state lives (docs/api.md, Allocation): the totals of a key (organization, product,
 * exact dimension tuple) are ordinary `@iv` physical measures stored at that key, so on-hand queries,
 * the available-to-allocate and available-to-reserve formulas and the ledger see them as any other
 * measure. The state of each group path is kept as stock rows of this system data source at the key's
 * dimensions plus one `@g<level>` entry per group level (ALLOCATION_LEVEL_PREFIX). Those rows live in
 * the key's partition, so they are locked, cleaned up, exported and replayed from the ledger with it;
 * no calculated measure refers to them, so queries and availability checks ignore them.
 */
export const ALLOCATION_SOURCE = '@allocation';

/** Prefix of the dimension keys holding group values: `@g0` … `@g7` (never a base dimension). */
export const ALLOCATION_LEVEL_PREFIX = '@g';

/** The physical measures of allocation, in `@iv` (per key) and in ALLOCATION_SOURCE (per group path). */
export const ALLOCATED = '@allocated';
export const CONSUMED = '@consumed';
export const CUMULATIVE_ALLOCATED = '@cumulative_allocated';
export const CUMULATIVE_CONSUMED = '@cumulative_consumed';

/** The data source that holds the per-key allocation totals. */
export const IV_SYSTEM_SOURCE = '@iv';

/** Group values from the top level down: `["web", "VIP"]` is channel=web, customerGroup=VIP. */
export type GroupPath = readonly string[];

/** The configured group names ordered by level (g0 first). */
export function allocationLevels(config: CompiledConfiguration): string[] {
  const { groups, groupsOrder } = config.runtime.allocationConfiguration;
  return groups
    .map((name) => ({ name, level: Number((groupsOrder[name] ?? '').slice(1)) }))
    .filter((g) => Number.isInteger(g.level) && g.level >= 0)
    .sort((a, b) => a.level - b.level)
    .map((g) => g.name);
}

/**
 * Validates the group values of a request (spec §4.1): every key must be a configured group name
 * (compared case-insensitively), values must be non-empty, and the levels must run from the top
 * without a gap (City without State is refused). `required`: at least one level must be given.
 */
export function parseGroupPath(
  config: CompiledConfiguration,
  groups: Readonly<Record<string, string>> | undefined,
  path: string,
  required: boolean,
): GroupPath {
  const levels = allocationLevels(config);
  const byLower = new Map(levels.map((name, level) => [name.toLowerCase(), level]));
  const values: (string | undefined)[] = [];
  for (const [name, value] of Object.entries(groups ?? {})) {
    const namePath = `${path}/${name}`;
    const level = byLower.get(name.toLowerCase());
    if (level === undefined) {
      fail(
        'unknown_allocation_group',
        namePath,
        levels.length === 0
          ? 'No allocation groups are configured.'
          : `"${name}" is not an allocation group; the groups are ${levels.join(', ')} (top level first).`,
      );
    }
    if (values[level] !== undefined)
      fail('invalid_request', namePath, `The group "${levels[level]}" is given twice.`);
    if (typeof value !== 'string' || value.trim() === '')
      fail('invalid_allocation_group_value', namePath, 'A group value must be a non-empty string.');
    values[level] = checkDimensionValue(value, namePath);
  }
  for (let level = 0; level < values.length; level++) {
    if (values[level] === undefined) {
      fail(
        'allocation_group_gap',
        path,
        `"${levels[level]}" is missing: groups are named from the top level down (${levels
          .slice(0, values.length)
          .join(', ')}).`,
      );
    }
  }
  if (required && values.length === 0)
    fail(
      'missing_allocation_groups',
      path,
      `Name at least the top allocation group (${levels[0] ?? 'none'}).`,
    );
  return values as string[];
}

/** The dimensions of the rows holding one group path's state: the key's plus `@g0` … per level. */
export function groupDimensions(dimensions: Dimensions, groups: GroupPath): Dimensions {
  return canonicalDimensions([
    ...Object.entries(dimensions),
    ...groups.map((value, level) => [`${ALLOCATION_LEVEL_PREFIX}${level}`, value] as const),
  ]);
}

/** Splits the dimensions of a group row into the key's dimensions and the group path. */
export function splitGroupDimensions(dims: Dimensions): { dimensions: Dimensions; groups: GroupPath } {
  const base: [string, string][] = [];
  const groups: string[] = [];
  for (const [key, value] of Object.entries(dims)) {
    if (!key.startsWith(ALLOCATION_LEVEL_PREFIX)) base.push([key, value]);
    else groups[Number(key.slice(ALLOCATION_LEVEL_PREFIX.length))] = value;
  }
  return { dimensions: canonicalDimensions(base), groups };
}

/** True when `path` starts with `prefix`. */
export function isUnder(path: GroupPath, prefix: GroupPath): boolean {
  return prefix.length <= path.length && prefix.every((value, i) => path[i] === value);
}

/** The group path as `{ name: value }` with today's group names (a level no longer configured: `g5`). */
export function namedGroups(config: CompiledConfiguration, groups: GroupPath): Record<string, string> {
  const levels = allocationLevels(config);
  return Object.fromEntries(groups.map((value, level) => [levels[level] ?? `g${level}`, value]));
}
