import { expect, it } from 'vitest';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { ENV, environment } from './fixtures.js';
import { describeOnPostgres, openPostgres } from './postgres-handle.js';

/*
 * OCI import uploads raced across two stores (two pools, as two server processes would) on one PostgreSQL
 * database: a chunk of the holding upload, a claim over it once it is stale, and a delete of the stale
 * upload, sent at once. Each statement takes the import's row first, so at most one of them wins and a
 * chunk is only ever kept under the claim that holds the import (docs/oci.md, "Abandoned uploads").
 */

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

describeOnPostgres(() => {
  it('a chunk, a claim and a delete raced from two stores: at most one wins, chunks only under the holder', async () => {
    const handle = await openPostgres();
    try {
      await handle.store.migrate();
      const a = handle.store;
      const b: PostgresStore = await handle.connect();
      await a.saveEnvironment(environment());
      for (let round = 0; round < 40; round++) {
        const id = `race-${round}`;
        await a.ociImports.create({
          environmentId: ENV,
          importId: id,
          uploadLinkId: `link-${round}`,
          fileName: 'f.json',
          fileEncoding: null,
          fileHash: null,
          fileHashType: null,
          linkExpiresAt: at(600),
          createdAt: at(0),
        });
        expect(await a.ociImports.claimUpload(ENV, id, 'A', at(0), at(-10))).toBe(true);
        // At minute 20 the claim of minute 0 is stale (no chunk for 10 minutes).
        const [appended, claimed, deleted] = await Promise.all([
          a.ociImports.appendChunk(ENV, id, 'A', 0, Buffer.from('a'), at(20)),
          b.ociImports.claimUpload(ENV, id, 'B', at(20), at(10)),
          round % 2 === 0
            ? b.ociImports.delete(ENV, id, { staleBefore: at(10), uploaded: false })
            : a.ociImports.delete(ENV, id, { staleBefore: at(10), uploaded: false }),
        ]);
        const row = await a.ociImports.get(ENV, id);
        const chunk = await b.ociImports.readChunk(ENV, id, 0);
        if (appended) {
          // The chunk refreshed A's claim before the claim and the delete looked: neither may win.
          expect({ claimed, deleted, state: row?.state, chunk: chunk !== undefined }).toEqual({
            claimed: false,
            deleted: false,
            state: 'RECEIVING',
            chunk: true,
          });
        } else {
          // A's chunk came too late: B's claim or the delete took the import (not both: B's fresh claim is
          // not stale), and no chunk of A's is kept.
          expect(chunk).toBeUndefined();
          expect(claimed && deleted).toBe(false);
          if (deleted) expect(row).toBeUndefined();
          if (claimed) expect(row?.state).toBe('RECEIVING');
        }
      }
    } finally {
      await handle.cleanup();
    }
  });
});
