import type { CompiledConfiguration, MeasureRef } from '../config/compiled-configuration.js';
import { parseMeasureRef } from '../config/parse-measure-ref.js';

/** A measure the feed publishes: a calculated measure, or a physical one read as stored. */
export interface PublishedMeasure extends MeasureRef {
  readonly kind: 'calculated' | 'physical';
}

const cache = new WeakMap<CompiledConfiguration, readonly PublishedMeasure[]>();

/**
 * The measures whose values each feed entry carries after its change (docs/feed.md): the environment's
 * `feedConfiguration.publishedMeasures` (an Onhand extension of the configuration) when given, else the
 * calculated measures that guard writes: every available-for-reservation measure of a reservation
 * mapping, and `@iv.@available_to_allocate` when it exists. Names that do not resolve are left out
 * (the configuration validator refuses them on a hard update).
 */
export function publishedMeasures(config: CompiledConfiguration): readonly PublishedMeasure[] {
  let found = cache.get(config);
  if (found) return found;
  const named = config.runtime.feedConfiguration?.publishedMeasures;
  const refs: MeasureRef[] = [];
  if (named !== undefined) {
    for (const text of named) {
      const ref = parseMeasureRef(text.toLowerCase());
      if (ref) refs.push(ref);
    }
  } else {
    for (const source of config.dataSources.values()) refs.push(...source.reservMappings.values());
    refs.push({ dataSource: '@iv', measure: '@available_to_allocate' });
  }
  const seen = new Set<string>();
  found = refs.flatMap((ref): PublishedMeasure[] => {
    const key = `${ref.dataSource}.${ref.measure}`;
    const kind = kindOf(config, ref);
    if (seen.has(key) || kind === undefined) return [];
    seen.add(key);
    return [{ ...ref, kind }];
  });
  cache.set(config, found);
  return found;
}

/** Whether the reference names a calculated or physical measure of the configuration, or neither. */
export function kindOf(
  config: Pick<CompiledConfiguration, 'dataSources'>,
  ref: MeasureRef,
): PublishedMeasure['kind'] | undefined {
  const source = config.dataSources.get(ref.dataSource);
  if (source?.calculatedMeasures.has(ref.measure)) return 'calculated';
  if (source?.physicalMeasures.has(ref.measure)) return 'physical';
  return undefined;
}
