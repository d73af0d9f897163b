import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { ENV, IMPEX } from './oci-helpers.js';
import { exportText, importText, onHandAtSurprise } from './transfer-helpers.js';

/*
 * `onhand export` / `onhand import` keep the environment's availability imports (docs/configuration.md):
 * a finished import keeps its status, counts and result file; one waiting for its file keeps its link;
 * one whose file was received but not yet run keeps the file and runs in the copy. Files of earlier
 * releases (no import records) still import.
 */

const GRAPH = { locations: ['surprise', 'wickenburg'] };
const line = (o: Record<string, unknown>) => `${JSON.stringify(o)}\n`;

describe.each(testBackends())('OCI availability imports in a full export and import on %s', (backend) => {
  let h: Harness;
  const ids = { done: '', waiting: '', pending: '' };
  const imports = () => h.services.engine.ociImports;
  const send = async (file: string) => {
    const created = await imports().initiate(ENV, { fileName: 'stock.json', linkDuration: 60 });
    async function* body() {
      yield Buffer.from(file);
    }
    await imports().receive(ENV, created.uploadLinkId, body());
    return created.importId;
  };
  const resultOf = async (env: string, importId: string) => {
    const out: string[] = [];
    for await (const l of imports().result(env, importId)) out.push(l);
    return out;
  };
  const onHand = (env: string, sku: string) => onHandAtSurprise(h, env, sku);

  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV] });
    expect((await h.request('PUT', `${IMPEX}/location-graph`, GRAPH)).statusCode).toBe(200);
    ids.done = await send(
      line({ recordId: 'a1', sku: 'sku1', locationId: 'surprise', onHand: 4 }) +
        line({ recordId: 'a2', sku: 'sku1', locationId: 'nowhere', onHand: 1 }) +
        line({ recordId: 'a3', sku: 'sku2', locationId: 'surprise', onHand: -1 }),
    );
    expect(await h.services.engine.jobRunner.runPending()).toBe(1);
    ids.waiting = (await imports().initiate(ENV, { fileName: 'later.json', linkDuration: 60 })).importId;
    // Received, its job not run yet: the file travels and the copy runs it.
    ids.pending = await send(line({ recordId: 'p1', sku: 'sku3', locationId: 'surprise', onHand: 9 }));
  });
  afterAll(() => h.close());

  it('the copy has every import with its status, counts, result file and unfinished file', async () => {
    const { summary, text } = await exportText(h, ENV);
    const types = text
      .split('\n')
      .filter((l) => l.includes('"oci-import'))
      .map((l) => (JSON.parse(l) as { type: string }).type);
    // 3 imports, 2 result lines of the finished one, 1 chunk of the pending one.
    expect(types.sort()).toEqual([
      'oci-import',
      'oci-import',
      'oci-import',
      'oci-import-chunk',
      'oci-import-error',
      'oci-import-error',
    ]);
    const imported = await importText(h, text, 'oci-copy');
    expect(imported.counts.oci).toBe(summary.oci);
    const view = async (env: string, id: string) => {
      const { record, ...rest } = await imports().status(env, id);
      const { environmentId: _, ...fields } = record;
      return { ...fields, ...rest };
    };
    expect(await view('oci-copy', ids.done)).toEqual(await view(ENV, ids.done));
    expect(await view('oci-copy', ids.done)).toMatchObject({
      status: 'COMPLETED',
      counters: { read: 3, processed: 1, skipped: 2 },
    });
    expect(await resultOf('oci-copy', ids.done)).toEqual(await resultOf(ENV, ids.done));
    expect(await view('oci-copy', ids.waiting)).toEqual(await view(ENV, ids.waiting));
    expect(await imports().list('oci-copy', true)).toEqual([ids.waiting]);
    expect(await view('oci-copy', ids.pending)).toMatchObject({ status: 'PENDING' });
    // The copy runs the pending import from the file that travelled (and the original its own).
    expect(await h.services.engine.jobRunner.runPending()).toBe(2);
    expect(await view('oci-copy', ids.pending)).toMatchObject({
      status: 'COMPLETED',
      counters: { read: 1, processed: 1, skipped: 0 },
    });
    expect(await onHand('oci-copy', 'sku3')).toBe(9);
    expect(await onHand('oci-copy', 'sku1')).toBe(4);
    // The waiting import's link still takes its file in the copy.
    const waiting = await imports().status('oci-copy', ids.waiting);
    async function* later() {
      yield Buffer.from(line({ recordId: 'w1', sku: 'sku4', locationId: 'surprise', onHand: 2 }));
    }
    await imports().receive('oci-copy', waiting.record.uploadLinkId, later());
    await h.services.engine.jobRunner.runPending();
    expect(await onHand('oci-copy', 'sku4')).toBe(2);
  });

  it('a file of an earlier release (no import records) still imports, with no imports', async () => {
    const { text } = await exportText(h, ENV);
    const lines = text.split('\n').filter((l) => !l.includes('"type":"oci-import'));
    const dropped = text.split('\n').length - lines.length;
    const end = JSON.parse(lines.at(-2) ?? '{}') as { type: string; counts: { oci: number } };
    expect(end.type).toBe('end');
    end.counts.oci -= dropped;
    lines[lines.length - 2] = JSON.stringify(end);
    await importText(h, lines.join('\n'), 'oci-old');
    expect(await imports().list('oci-old', false)).toEqual([]);
    expect(await onHand('oci-old', 'sku1')).toBe(4);
  });

  it('refuses a broken import record before writing anything', async () => {
    const { text } = await exportText(h, ENV);
    expect(text).toContain('"state":"UPLOADED"');
    const broken = text.replace('"state":"UPLOADED"', '"state":"LOST"');
    await expect(importText(h, broken, 'oci-broken')).rejects.toThrow(/state/);
    expect(await h.services.store.getEnvironment('oci-broken')).toBeUndefined();
  });

  it('refuses an import record whose job is of another kind or runs another import', async () => {
    const { text } = await exportText(h, ENV);
    expect(text).toContain('"kind":"OciAvailabilityImport"');
    const otherKind = text.replace('"kind":"OciAvailabilityImport"', '"kind":"PartitionCleanup"');
    await expect(importText(h, otherKind, 'oci-kind')).rejects.toThrow(/kind/);
    expect(await h.services.store.getEnvironment('oci-kind')).toBeUndefined();
    const job = text.split('\n').find((l) => l.includes('"kind":"OciAvailabilityImport"')) ?? '';
    const importId = /"importId":"([^"]+)"/.exec(job.slice(job.indexOf('"job"')))?.[1] ?? '';
    expect(importId).not.toBe('');
    const at = job.indexOf('"job"');
    const forged =
      job.slice(0, at) + job.slice(at).split(`"importId":"${importId}"`).join('"importId":"someone-else"');
    expect(forged).not.toBe(job);
    const otherImport = text.replace(job, forged);
    await expect(importText(h, otherImport, 'oci-other')).rejects.toThrow(/importId/);
    expect(await h.services.store.getEnvironment('oci-other')).toBeUndefined();
  });
});
