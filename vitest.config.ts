import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import LongFirstSequencer from './test/support/sequencer.js';

const common = { testTimeout: 30_000, hookTimeout: 60_000, pool: 'forks' as const };

/**
 * Every test runs once on the embedded SQLite store. When ONHAND_TEST_POSTGRES_URL names a PostgreSQL
 * database (CI always sets it), the API tests run a second time on PostgreSQL, and the store
 * conformance suite and the reservation race and property tests cover both backends themselves. When
 * ONHAND_TEST_CITUS_URL names a Citus coordinator, the API tests run a third time there, the tables
 * distributed.
 */
export default defineConfig({
  test: {
    // Most test files spend their time waiting on servers, databases and timers, not on a core: two
    // files at a time on a two-core machine (vitest's default there is one) cut the suite's wall time by
    // about a third, measured with the machine otherwise busy, and nothing relies on running alone
    // (every harness has its own database, data directory, port and stream names).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Without the durations of an earlier run (a fresh clone, as in CI) the files known to be long
    // start first, so that none of them runs alone at the end (test/support/sequencer.ts).
    sequence: { sequencer: LongFirstSequencer },
    projects: [
      { test: { ...common, name: 'all', include: ['test/**/*.test.ts'] } },
      ...(process.env.ONHAND_TEST_POSTGRES_URL
        ? [
            {
              test: {
                ...common,
                name: 'api-on-postgres',
                include: ['test/api/**/*.test.ts', 'test/compat/**/*.test.ts'],
                env: { ONHAND_TEST_BACKEND: 'postgres' },
              },
            },
          ]
        : []),
      // The API tests once more on a Citus cluster (test/support/citus.ts), as on PostgreSQL.
      ...(process.env.ONHAND_TEST_CITUS_URL
        ? [
            {
              test: {
                ...common,
                name: 'api-on-citus',
                include: ['test/api/**/*.test.ts', 'test/compat/**/*.test.ts'],
                env: { ONHAND_TEST_BACKEND: 'citus' },
              },
            },
          ]
        : []),
    ],
  },
});
