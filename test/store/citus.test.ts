import { afterAll, beforeAll, describe, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { CITUS_MISSING, type CitusSchema, citusMode, createCitusSchema } from '../support/citus.js';
import { describeStoreConformance, type StoreHandle } from './conformance.js';

/*
 * The store conformance suite on a Citus cluster (ONHAND_TEST_CITUS_URL): the tables distributed as
 * `onhand migrate --citus` distributes them. The tests share one schema, emptied before each test.
 */

let schema: CitusSchema | undefined;

async function openCitus(): Promise<StoreHandle> {
  if (schema === undefined) throw new Error('the Citus schema was not created');
  await schema.reset();
  const url = schema.url;
  const opened: PostgresStore[] = [];
  const connect = async () => {
    const store = await PostgresStore.connect({ connectionString: url, poolSize: 4 });
    opened.push(store);
    return store;
  };
  return {
    store: await connect(),
    reopen: connect,
    cleanup: async () => {
      for (const store of opened) await store.close();
    },
  };
}

const mode = citusMode();
if (mode === 'run') {
  beforeAll(async () => {
    schema = await createCitusSchema();
  }, 60_000);
  afterAll(async () => {
    await schema?.drop();
  });
  describeStoreConformance('citus', openCitus);
} else if (mode === 'fail') {
  it('Citus store tests run in CI', () => {
    throw new Error(CITUS_MISSING);
  });
} else {
  describe.skip('Store conformance: citus [skipped: set ONHAND_TEST_CITUS_URL=postgres://… to run]', () => {});
}
