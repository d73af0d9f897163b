import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OCI_IMPORT_JOB } from '../../src/engine/oci/imports/import-job.js';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { ENV } from './oci-helpers.js';

/*
 * An upload whose receiving process died leaves its import RECEIVING. More than ten minutes after the
 * upload began (or stored its last chunk) it is taken as abandoned (docs/oci.md, "Availability imports"): the link takes a file again
 * (while valid) and the import can be deleted, even once its link has expired; before that, both are
 * refused as in progress. An upload still arriving when its import is deleted so ends with 404
 * EntityNotFound, leaving no job and none of its file behind.
 */
describe.each(testBackends())('an abandoned upload on %s', (backend) => {
  let h: Harness;
  let now = Date.parse('2026-12-04T10:00:00.000Z');
  const imports = () => h.services.engine.ociImports;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV], clock: () => new Date(now) });
  });
  afterAll(() => h.close());

  /** An import whose upload was claimed by a process that then died (nothing more arrives). */
  const abandoned = async (linkDuration: number) => {
    const created = await imports().initiate(ENV, { fileName: 'died.json', linkDuration });
    const at = new Date(now).toISOString();
    expect(await h.services.store.ociImports.claimUpload(ENV, created.importId, 'died', at, at)).toBe(true);
    return created;
  };
  const refusal = async (run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      return (error as { reason?: string }).reason;
    }
    return undefined;
  };

  it('can be deleted more than ten minutes after it began, not before', async () => {
    const created = await abandoned(5);
    now += 9 * 60_000;
    expect(await refusal(() => imports().delete(ENV, created.importId))).toBe('in_progress');
    now += 60_000 + 1;
    // The link expired four minutes ago: deleting is the only way to be rid of the import.
    expect((await imports().status(ENV, created.importId)).status).toBe('EXPIRED');
    await imports().delete(ENV, created.importId);
    expect(await imports().list(ENV, false)).not.toContain(created.importId);
  });

  it('takes a file again, and is listed as available, more than ten minutes after it began, not before', async () => {
    const created = await abandoned(60);
    async function* body() {
      yield Buffer.from('\n');
    }
    now += 9 * 60_000;
    expect(await refusal(() => imports().receive(ENV, created.uploadLinkId, body()))).toBe(
      'already_received',
    );
    expect(await imports().list(ENV, true)).not.toContain(created.importId);
    now += 60_000 + 1;
    // Its link is listed as available again (the same rule as the store's claim).
    expect(await imports().list(ENV, true)).toContain(created.importId);
    expect((await imports().receive(ENV, created.uploadLinkId, body())).status).toBe('PENDING');
  });

  it('still arriving when its import is deleted, queues no job and leaves none of its file', async () => {
    const created = await imports().initiate(ENV, { fileName: 'slow.json', linkDuration: 60 });
    let finish = () => {};
    const rest = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const line = `${JSON.stringify({ recordId: 'r', sku: 'sku1', locationId: 'l1', onHand: 1 })}\n`;
    const piece = Buffer.from(line.repeat(Math.ceil((1.5 * 1024 * 1024) / line.length)));
    async function* slow() {
      yield piece;
      await rest;
      yield piece;
    }
    const receiving = imports()
      .receive(ENV, created.uploadLinkId, slow())
      .then(
        () => undefined,
        (error: { reason?: string }) => error.reason,
      );
    const chunk = (seq: number) => h.services.store.ociImports.readChunk(ENV, created.importId, seq);
    for (let i = 0; i < 200 && !(await chunk(0)); i++) await new Promise((r) => setTimeout(r, 10));
    expect(await chunk(0)).toBeDefined();
    now += 10 * 60_000 + 1;
    await imports().delete(ENV, created.importId);
    finish();
    expect(await receiving).toBe('not_found');
    for (const seq of [0, 1, 2]) expect(await chunk(seq)).toBeUndefined();
    expect(await h.services.store.jobs.get(ENV, `${OCI_IMPORT_JOB}:${created.importId}`)).toBeUndefined();
  });
});
