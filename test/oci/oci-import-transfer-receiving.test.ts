import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { ENV, IMPEX } from './oci-helpers.js';
import { exportText, importText, onHandAtSurprise } from './transfer-helpers.js';

/*
 * An import whose file was arriving (RECEIVING) when `onhand export` read it: the file is not in the
 * export (only a received file travels), and the request receiving it belongs to the source server.
 * The copy therefore holds the import as WAITING for its file (docs/oci.md, "Availability imports"):
 * its link takes a file at once (while valid) and the import can be deleted, as if the upload had not
 * begun. Files written before this rule, which hold such an import as RECEIVING, import the same way.
 */

const GRAPH = { locations: ['surprise'] };
const line = (o: Record<string, unknown>) => `${JSON.stringify(o)}\n`;

describe.each(testBackends())('an import exported while its file was arriving, on %s', (backend) => {
  let h: Harness;
  let importId = '';
  let text = '';
  const imports = () => h.services.engine.ociImports;
  const onHand = (env: string, sku: string) => onHandAtSurprise(h, env, sku);
  const upload = async (env: string, file: string) => {
    const { record } = await imports().status(env, importId);
    async function* body() {
      yield Buffer.from(file);
    }
    return imports().receive(env, record.uploadLinkId, body());
  };

  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV] });
    expect((await h.request('PUT', `${IMPEX}/location-graph`, GRAPH)).statusCode).toBe(200);
    const created = await imports().initiate(ENV, { fileName: 'slow.json', linkDuration: 60 });
    importId = created.importId;
    // An upload that has begun, stored more than a chunk (1 MiB; the rest is blank lines), and waits for
    // the rest of its file while the export is taken.
    let finish = () => {};
    const rest = new Promise<void>((resolve) => {
      finish = resolve;
    });
    async function* slow() {
      yield Buffer.from(line({ recordId: 's1', sku: 'sku1', locationId: 'surprise', onHand: 3 }));
      yield Buffer.from('\n'.repeat(1024 * 1024 + 100));
      await rest;
    }
    const receiving = imports().receive(ENV, created.uploadLinkId, slow());
    const firstChunk = () => h.services.store.ociImports.readChunk(ENV, importId, 0);
    for (let i = 0; i < 200 && !(await firstChunk()); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await h.services.store.ociImports.get(ENV, importId))?.state).toBe('RECEIVING');
    expect(await firstChunk()).toBeDefined();
    text = (await exportText(h, ENV)).text;
    finish();
    expect((await receiving).status).toBe('PENDING');
    await h.services.engine.jobRunner.runPending();
  });
  afterAll(() => h.close());

  it('the export holds the import as waiting for its file, with no file', () => {
    const records = text
      .split('\n')
      .filter((l) => l.includes('"type":"oci-import'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toHaveLength(1);
    expect(text).not.toContain('"type":"oci-import-chunk"');
    expect(records[0]).toMatchObject({
      type: 'oci-import',
      importId,
      state: 'WAITING',
      uploadedAt: null,
      fileBytes: 0,
      chunkCount: 0,
      jobId: null,
      job: null,
    });
  });

  it("the copy's link takes the file at once and the import finishes", async () => {
    await importText(h, text, 'oci-copy');
    expect((await imports().status('oci-copy', importId)).status).toBe('WAITING');
    expect(await imports().list('oci-copy', true)).toEqual([importId]);
    const file = line({ recordId: 'c1', sku: 'sku2', locationId: 'surprise', onHand: 5 });
    expect((await upload('oci-copy', file)).status).toBe('PENDING');
    await h.services.engine.jobRunner.runPending();
    expect(await imports().status('oci-copy', importId)).toMatchObject({
      status: 'COMPLETED',
      counters: { read: 1, processed: 1, skipped: 0 },
    });
    expect(await onHand('oci-copy', 'sku2')).toBe(5);
    // The source finished its own upload: its copy of the import is apart.
    expect((await imports().status(ENV, importId)).status).toBe('COMPLETED');
    expect(await onHand(ENV, 'sku1')).toBe(3);
  });

  it('the copy can delete the import', async () => {
    await importText(h, text, 'oci-delete');
    await imports().delete('oci-delete', importId);
    expect(await imports().list('oci-delete', false)).toEqual([]);
  });

  it('a file that holds the import as RECEIVING (earlier releases) imports it as waiting', async () => {
    const older = text.replace(
      /"state":"WAITING","uploadedAt":null/,
      `"state":"RECEIVING","uploadedAt":"${new Date().toISOString()}"`,
    );
    expect(older).not.toBe(text);
    await importText(h, older, 'oci-older');
    const view = await imports().status('oci-older', importId);
    expect(view.record).toMatchObject({ state: 'WAITING', uploadedAt: null, fileBytes: 0, chunkCount: 0 });
    expect(view.status).toBe('WAITING');
    const file = line({ recordId: 'o1', sku: 'sku3', locationId: 'surprise', onHand: 7 });
    expect((await upload('oci-older', file)).status).toBe('PENDING');
    await h.services.engine.jobRunner.runPending();
    expect(await onHand('oci-older', 'sku3')).toBe(7);
    await importText(h, older, 'oci-older-delete');
    await imports().delete('oci-older-delete', importId);
  });
});
