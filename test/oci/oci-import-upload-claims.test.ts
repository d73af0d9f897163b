import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OCI_IMPORT_JOB } from '../../src/engine/oci/imports/import-job.js';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { ENV, IMPEX } from './oci-helpers.js';

/*
 * Each upload holds its import under a claim of its own (docs/oci.md, "Abandoned uploads"): a chunk
 * stored refreshes the claim, an upload overtaken as abandoned stores and completes nothing more (409
 * FileAlreadyReceived), and a delete racing a completing upload either wins whole or is refused.
 */
describe.each(testBackends())('upload claims on %s', (backend) => {
  let h: Harness;
  let now = Date.parse('2026-12-04T10:00:00.000Z');
  const imports = () => h.services.engine.ociImports;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV], clock: () => new Date(now) });
    expect((await h.request('PUT', `${IMPEX}/location-graph`, { locations: ['l1'] })).statusCode).toBe(200);
  });
  afterAll(() => h.close());

  const gate = () => {
    let open = () => {};
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    return { opened, open };
  };
  /** NDJSON records of `sku`, at least `bytes` long. */
  const fill = (sku: string, bytes: number) => {
    let out = '';
    for (let i = 0; out.length < bytes; i++)
      out += `${JSON.stringify({ recordId: `${sku}-${i}`, sku, locationId: 'l1', onHand: 1 })}\n`;
    return Buffer.from(out);
  };
  /** The upload's outcome: its status, or the reason it was refused and the message. */
  const outcome = (run: Promise<{ status: string }>) =>
    run.then(
      (view) => view.status,
      (error: { reason?: string; message: string }) => `${error.reason}: ${error.message}`,
    );
  const chunk = (importId: string, seq: number) => h.services.store.ociImports.readChunk(ENV, importId, seq);
  const stored = async (importId: string) => {
    const parts: Uint8Array[] = [];
    for (let seq = 0; ; seq++) {
      const part = await chunk(importId, seq);
      if (!part) return Buffer.concat(parts);
      parts.push(part);
    }
  };
  const waitFor = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 500 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
    expect(await check()).toBe(true);
  };

  it('an upload overtaken as abandoned stores nothing more and is refused; the other file stays whole', async () => {
    const created = await imports().initiate(ENV, { fileName: 'a.json', linkDuration: 60 });
    const [ga, gb] = [gate(), gate()];
    const [A, B] = [fill('skuaaa', 1.5 * 1024 * 1024), fill('skubbb', 1.5 * 1024 * 1024)];
    async function* a() {
      yield A;
      await ga.opened;
      yield A;
    }
    async function* b() {
      yield B;
      await gb.opened;
      yield B;
    }
    const ra = outcome(imports().receive(ENV, created.uploadLinkId, a()));
    await waitFor(async () => (await chunk(created.importId, 0)) !== undefined);
    now += 10 * 60_000 + 1;
    const rb = outcome(imports().receive(ENV, created.uploadLinkId, b()));
    const first = async () =>
      Buffer.from((await chunk(created.importId, 0)) ?? [])
        .subarray(0, 20)
        .toString();
    await waitFor(async () => (await first()).includes('skubbb'));
    ga.open();
    expect(await ra).toBe(
      'already_received: Another upload took this uploadLink after this one stored nothing for 10 minutes.',
    );
    gb.open();
    expect(await rb).toBe('PENDING');
    expect((await stored(created.importId)).equals(Buffer.concat([B, B]))).toBe(true);
    await h.services.engine.jobRunner.runPending();
    const view = await imports().status(ENV, created.importId);
    expect(view.status).toBe('COMPLETED');
    expect(view.counters).toMatchObject({ errors: 0, status: 'COMPLETED_WITHOUT_ERRORS' });
  });

  it('a chunk stored keeps the upload alive: ten minutes after its claim it is not overtaken', async () => {
    const created = await imports().initiate(ENV, { fileName: 'a.json', linkDuration: 60 });
    const [g1, g2] = [gate(), gate()];
    const piece = fill('skuccc', 1024 * 1024);
    async function* a() {
      yield piece;
      await g1.opened;
      yield piece;
      await g2.opened;
    }
    const ra = outcome(imports().receive(ENV, created.uploadLinkId, a()));
    await waitFor(async () => (await chunk(created.importId, 0)) !== undefined);
    now += 9 * 60_000;
    g1.open();
    await waitFor(async () => (await chunk(created.importId, 1)) !== undefined);
    now += 9 * 60_000;
    async function* other() {
      yield Buffer.from('\n');
    }
    expect(await outcome(imports().receive(ENV, created.uploadLinkId, other()))).toBe(
      'already_received: A file for this uploadLink is being received.',
    );
    expect(await imports().list(ENV, true)).not.toContain(created.importId);
    await expect(imports().delete(ENV, created.importId)).rejects.toMatchObject({ reason: 'in_progress' });
    g2.open();
    expect(await ra).toBe('PENDING');
    expect((await stored(created.importId)).equals(Buffer.concat([piece, piece]))).toBe(true);
  });

  it('an upload completing between delete’s check and its delete: the upload stands, the delete is refused', async () => {
    const created = await imports().initiate(ENV, { fileName: 'a.json', linkDuration: 60 });
    const rest = gate();
    async function* a() {
      yield fill('skuddd', 100);
      await rest.opened;
    }
    const ra = outcome(imports().receive(ENV, created.uploadLinkId, a()));
    await waitFor(
      async () => (await h.services.store.ociImports.get(ENV, created.importId))?.state === 'RECEIVING',
    );
    now += 10 * 60_000 + 1;
    // Another process's upload completes right after delete read the status (RECEIVING, abandoned).
    const engine = imports();
    const status = engine.status.bind(engine);
    engine.status = async (environmentId, importId) => {
      const view = await status(environmentId, importId);
      engine.status = status;
      rest.open();
      await ra;
      return view;
    };
    await expect(engine.delete(ENV, created.importId)).rejects.toMatchObject({ reason: 'in_progress' });
    expect(await ra).toBe('PENDING');
    expect((await engine.status(ENV, created.importId)).status).toBe('PENDING');
    const job = await h.services.store.jobs.get(ENV, `${OCI_IMPORT_JOB}:${created.importId}`);
    expect(job?.status).toBe('Queued');
    await h.services.engine.jobRunner.runPending();
    expect((await engine.status(ENV, created.importId)).status).toBe('COMPLETED');
  });

  it('a delete before the upload’s next chunk: the upload is refused at once, leaving nothing', async () => {
    const created = await imports().initiate(ENV, { fileName: 'a.json', linkDuration: 60 });
    const rest = gate();
    let pulled = 0;
    const piece = fill('skueee', 1024 * 1024);
    async function* a() {
      yield piece;
      await rest.opened;
      for (; pulled < 50; pulled++) yield piece;
    }
    const ra = outcome(imports().receive(ENV, created.uploadLinkId, a()));
    await waitFor(async () => (await chunk(created.importId, 0)) !== undefined);
    now += 10 * 60_000 + 1;
    await imports().delete(ENV, created.importId);
    rest.open();
    expect(await ra).toBe('not_found: The import was deleted while its file was arriving.');
    expect(pulled).toBeLessThan(2);
    for (const seq of [0, 1, 2]) expect(await chunk(created.importId, seq)).toBeUndefined();
    expect(await h.services.store.jobs.get(ENV, `${OCI_IMPORT_JOB}:${created.importId}`)).toBeUndefined();
  });
});
