import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The order files start in. Vitest runs the longest files first when it has the durations of an
 * earlier run in its cache, but a fresh clone (CI) has none, and then it runs the largest files first:
 * the replay of the documentation's walkthroughs, a small file that runs for minutes, started last and
 * ran alone at the end of the suite. So, without a cached duration, the files known to be long (these
 * patterns, in this order) start first, and the rest by size as before.
 */
const LONG_FIRST: readonly RegExp[] = [
  /test\/docs\/walkthroughs/,
  /test\/e2e\//,
  /test\/property\//,
  /test\/oci\/(import|export)-scale/,
  /test\/sdk\//,
  /test\/store\/(citus|postgres)\.test/,
  /test\/scripts\/build\.test/,
];

const rank = (file: TestSpecification): number => {
  const index = LONG_FIRST.findIndex((pattern) => pattern.test(file.moduleId.replaceAll('\\', '/')));
  return index === -1 ? LONG_FIRST.length : index;
};

export default class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const cache = this.ctx.cache;
    const root = this.ctx.config.root;
    const cached = (file: TestSpecification) =>
      cache.getFileTestResults(`${file.project.name}:${file.moduleId.slice(root.length + 1)}`) !== undefined;
    if (sorted.every(cached)) return sorted;
    // Array.prototype.sort is stable: within a rank the base order (by size) stays.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
