import { expect } from 'vitest';
import type { NewOciImport } from '../../src/store/oci-imports/oci-import-store.js';
import type { Store } from '../../src/store/store.js';
import type { DefineTest } from './conformance.js';
import { ENV, environment } from './fixtures.js';

/**
 * The conformance tests of OCI import uploads (Store.ociImports, oci-import-store.ts): each upload's
 * claim, its chunks and completion held under that claim, and the conditional delete. Part of
 * describeStoreConformance, which calls this inside its describe block.
 */
export function describeOciImportConformance(test: DefineTest, current: () => Store): void {
  const T0 = Date.parse('2026-01-01T00:00:00.000Z');
  const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
  /** Before `at(minutes)` by the 10-minute stale time, as the engine computes it. */
  const stale = (minutes: number) => at(minutes - 10);
  const ID = 'imp-1';
  const created: NewOciImport = {
    environmentId: ENV,
    importId: ID,
    uploadLinkId: 'link-1',
    fileName: 'a.json',
    fileEncoding: null,
    fileHash: null,
    fileHashType: null,
    linkExpiresAt: at(60),
    createdAt: at(0),
  };
  const bytes = (text: string) => Buffer.from(text);
  const setUp = async () => {
    const store = current();
    await store.saveEnvironment(environment());
    await store.ociImports.create(created);
    return store.ociImports;
  };
  const upload = (claim: string, withJob: boolean) => ({
    uploadedAt: at(5),
    fileBytes: 3,
    chunkCount: 1,
    validationError: withJob ? null : 'bad hash',
    job: withJob
      ? {
          environmentId: ENV,
          jobId: `job-${claim}`,
          kind: 'OciAvailabilityImport',
          request: {},
          createdAt: at(5),
        }
      : null,
  });
  const text = async (seq: number) => {
    const chunk = await current().ociImports.readChunk(ENV, ID, seq);
    return chunk ? Buffer.from(chunk).toString() : undefined;
  };

  test('OCI imports: a claim takes a waiting upload once, an abandoned one again (its chunks dropped)', async () => {
    const imports = await setUp();
    expect(await imports.claimUpload(ENV, ID, 'c1', at(1), stale(1))).toBe(true);
    expect(await imports.get(ENV, ID)).toMatchObject({ state: 'RECEIVING', uploadedAt: at(1) });
    expect(await imports.claimUpload(ENV, ID, 'c2', at(2), stale(2))).toBe(false);
    expect(await imports.appendChunk(ENV, ID, 'c1', 0, bytes('abc'), at(3))).toBe(true);
    // Ten minutes after the last chunk (not the claim) the upload is abandoned.
    expect(await imports.claimUpload(ENV, ID, 'c2', at(12), stale(12))).toBe(false);
    expect(await imports.claimUpload(ENV, ID, 'c2', at(14), stale(14))).toBe(true);
    expect(await text(0)).toBeUndefined();
    expect(await imports.get(ENV, ID)).toMatchObject({ state: 'RECEIVING', uploadedAt: at(14) });
    // Past the link's expiry nothing is claimed, abandoned or not.
    expect(await imports.claimUpload(ENV, ID, 'c3', at(61), stale(61))).toBe(false);
    expect(await imports.claimUpload(ENV, 'missing', 'c3', at(1), stale(1))).toBe(false);
  });

  test('OCI imports: chunks are stored, completed and released only under the claim holding the upload', async () => {
    const imports = await setUp();
    expect(await imports.claimUpload(ENV, ID, 'c1', at(1), stale(1))).toBe(true);
    expect(await imports.appendChunk(ENV, ID, 'c1', 0, bytes('one'), at(2))).toBe(true);
    expect(await imports.get(ENV, ID)).toMatchObject({ uploadedAt: at(2) });
    expect(await imports.claimUpload(ENV, ID, 'c2', at(13), stale(13))).toBe(true);
    // The overtaken claim stores, completes and releases nothing.
    expect(await imports.appendChunk(ENV, ID, 'c1', 0, bytes('old'), at(13))).toBe(false);
    expect(await imports.appendChunk(ENV, ID, 'c2', 0, bytes('new'), at(13))).toBe(true);
    expect(await imports.completeUpload(ENV, ID, 'c1', upload('c1', true))).toBe(false);
    await imports.releaseUpload(ENV, ID, 'c1');
    expect(await imports.get(ENV, ID)).toMatchObject({ state: 'RECEIVING', jobId: null });
    expect(await text(0)).toBe('new');
    expect(await current().jobs.get(ENV, 'job-c1')).toBeUndefined();
    // Its own release gives the link back and drops its chunks.
    await imports.releaseUpload(ENV, ID, 'c2');
    expect(await imports.get(ENV, ID)).toMatchObject({ state: 'WAITING', uploadedAt: null });
    expect(await text(0)).toBeUndefined();
    expect(await imports.appendChunk(ENV, ID, 'c2', 0, bytes('late'), at(14))).toBe(false);
    expect(await text(0)).toBeUndefined();
    // Completed under its claim: UPLOADED with its job, once.
    expect(await imports.claimUpload(ENV, ID, 'c3', at(15), stale(15))).toBe(true);
    expect(await imports.appendChunk(ENV, ID, 'c3', 0, bytes('abc'), at(15))).toBe(true);
    expect(await imports.completeUpload(ENV, ID, 'c3', upload('c3', true))).toBe(true);
    expect(await imports.get(ENV, ID)).toMatchObject({ state: 'UPLOADED', jobId: 'job-c3', fileBytes: 3 });
    expect((await current().jobs.get(ENV, 'job-c3'))?.status).toBe('Queued');
    expect(await imports.completeUpload(ENV, ID, 'c3', upload('c3', true))).toBe(false);
    expect(await imports.appendChunk(ENV, ID, 'c3', 1, bytes('more'), at(16))).toBe(false);
    await imports.releaseUpload(ENV, ID, 'c3');
    expect(await imports.get(ENV, ID)).toMatchObject({ state: 'UPLOADED' });
    expect(await text(0)).toBe('abc');
  });

  test('OCI imports: delete deletes only while the state allows it, with its chunks and error lines', async () => {
    const imports = await setUp();
    const allowed = (minutes: number, uploaded = false) => ({ staleBefore: stale(minutes), uploaded });
    expect(await imports.claimUpload(ENV, ID, 'c1', at(1), stale(1))).toBe(true);
    expect(await imports.appendChunk(ENV, ID, 'c1', 0, bytes('abc'), at(2))).toBe(true);
    await imports.putErrors(ENV, ID, 0, ['line']);
    // Arriving: refused, nothing deleted.
    expect(await imports.delete(ENV, ID, allowed(11))).toBe(false);
    expect(await text(0)).toBe('abc');
    // Completed since (a delete that saw it arriving, or waiting): refused.
    expect(await imports.completeUpload(ENV, ID, 'c1', upload('c1', true))).toBe(true);
    expect(await imports.delete(ENV, ID, allowed(30))).toBe(false);
    expect(await imports.get(ENV, ID)).toMatchObject({ state: 'UPLOADED' });
    // Seen uploaded (its job ended): deleted, chunks and error lines with it.
    expect(await imports.delete(ENV, ID, allowed(30, true))).toBe(true);
    expect(await imports.get(ENV, ID)).toBeUndefined();
    expect(await text(0)).toBeUndefined();
    expect(await imports.readErrors(ENV, ID, -1, 10)).toEqual([]);
    expect(await imports.delete(ENV, ID, allowed(30, true))).toBe(false);
    // Waiting, and abandoned: deleted.
    await imports.create(created);
    expect(await imports.delete(ENV, ID, allowed(0))).toBe(true);
    await imports.create(created);
    expect(await imports.claimUpload(ENV, ID, 'c2', at(1), stale(1))).toBe(true);
    expect(await imports.appendChunk(ENV, ID, 'c2', 0, bytes('abc'), at(2))).toBe(true);
    expect(await imports.delete(ENV, ID, allowed(13))).toBe(true);
    expect(await text(0)).toBeUndefined();
    expect(await imports.appendChunk(ENV, ID, 'c2', 1, bytes('late'), at(13))).toBe(false);
    expect(await text(1)).toBeUndefined();
  });
}
