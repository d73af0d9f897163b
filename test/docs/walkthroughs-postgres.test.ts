import { it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { describeReplays } from '../support/walkthroughs/documents.js';

/**
 * The walkthroughs of README.md and docs/*.md replayed on PostgreSQL (walkthroughs.test.ts replays
 * them on SQLite and checks their structure), when the suite has a PostgreSQL database: with CI=true
 * always (testBackends() fails without one).
 */
if (testBackends().includes('postgres')) describeReplays('postgres');
else it.skip('replays on PostgreSQL when ONHAND_TEST_POSTGRES_URL names a database', () => {});
