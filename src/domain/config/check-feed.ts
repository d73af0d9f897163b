import type { ErrorCode } from '../codes.js';
import { kindOf } from '../feed/published-measures.js';
import type { CompiledConfiguration } from './compiled-configuration.js';
import { parseMeasureRef } from './parse-measure-ref.js';
import type { RuntimeConfiguration } from './runtime-configuration.js';

type Report = (code: ErrorCode, path: string, message: string) => void;

/** Checks `feedConfiguration.publishedMeasures` (an Onhand extension): each names a configured measure. */
export function checkFeed(
  runtime: RuntimeConfiguration,
  dataSources: CompiledConfiguration['dataSources'],
  report: Report,
): void {
  const named = runtime.feedConfiguration?.publishedMeasures ?? [];
  named.forEach((text, i) => {
    const ref = parseMeasureRef(text.toLowerCase());
    if (!ref || kindOf({ dataSources }, ref) === undefined) {
      report(
        'unknown_measure_reference',
        `/feedConfiguration/publishedMeasures/${i}`,
        `"${text}" is not a configured measure ("dataSource.measure").`,
      );
    }
  });
}
