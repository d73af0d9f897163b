import type { CompiledConfiguration } from '../../domain/config/compiled-configuration.js';
import { canonicalDimensions, type Dimensions, LOCATION, SITE } from '../../domain/dimensions.js';

/** Beyond this many dimensions below the partition, only the chain of coarser levels is checked. */
const MAX_SUBSET_DIMENSIONS = 8;

/** The dimensions of a partition id when data is partitioned by location. */
const PARTITION_DIMENSIONS: readonly string[] = [SITE, LOCATION];

/**
 * The dimension levels a checked reservation must leave non-negative: its own and every coarser one,
 * i.e. every subset of its dimensions below the partition (the partition dimensions are always kept).
 * A reservation at (site, location, red, S) is therefore also checked at (site, location, red),
 * (site, location, S) and (site, location), where reservations made without a colour or without a
 * size are counted against the pooled stock (see availableAtLevel: other tuples count only with what
 * they have left, so one oversold colour does not block the others). Two reservations at levels that
 * do not contain each other (one by colour only, one by size only) can still both claim the same unit;
 * see docs/api.md. With more than MAX_SUBSET_DIMENSIONS such dimensions, only the levels obtained by
 * dropping the finest dimensions one by one along the reservation hierarchy are checked.
 *
 * The partition is where the data lives (partitionIdOf): site and location, or nothing when data is
 * partitioned by product. It is never read from the configured partition keys: a configuration saved
 * before they were limited to site and location may list more (colour, say), and a level without that
 * dimension must still be checked.
 */
export function checkedLevels(config: CompiledConfiguration, dims: Dimensions): Dimensions[] {
  const partition = config.partitionRule === 'byLocation' ? PARTITION_DIMENSIONS : [];
  const order = (d: string) => {
    const i = config.reservation.keys.indexOf(d);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const own = Object.keys(dims)
    .filter((d) => !partition.includes(d))
    .sort((a, b) => order(a) - order(b));
  const subsets: string[][] = [];
  if (own.length <= MAX_SUBSET_DIMENSIONS) {
    for (let mask = (1 << own.length) - 1; mask >= 0; mask--)
      subsets.push(own.filter((_, i) => mask & (1 << i)));
  } else {
    for (let keep = own.length; keep >= 0; keep--) subsets.push(own.slice(0, keep));
  }
  return subsets.map((subset) => {
    const kept = new Set([...partition, ...subset]);
    return canonicalDimensions(Object.entries(dims).filter(([d]) => kept.has(d)));
  });
}
