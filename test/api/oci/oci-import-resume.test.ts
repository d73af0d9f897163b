import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OCI_IMPORT_JOB, ociImportJob } from '../../../src/engine/oci/imports/import-job.js';
import { ModelRecordApplier } from '../../../src/engine/oci/imports/model-record-applier.js';
import { apiBackend } from '../../support/backends.js';
import { type Harness, startHarness } from '../../support/harness.js';
import { IMPORTS, initiate, ivOnHand, upload } from './oci-import-helpers.js';

/** `count` records of the per-line layout over 10 locations; every 100th has a negative on hand. */
function records(count: number, pad = ''): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const onHand = i % 100 === 99 ? -1 : (i % 1000) + 0.5;
    lines.push(
      JSON.stringify({
        recordId: `rec-${i}`,
        sku: `sku-${Math.floor(i / 10)}${pad}`,
        locationId: `loc-${i % 10}`,
        onHand,
        effectiveDate: '2026-01-01T00:00:00Z',
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

describe.each([apiBackend()])('OCI import jobs (%s)', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend });
  });
  afterAll(() => h.close());

  it('resume after a crash from the last saved batch, counting and reporting every line once', async () => {
    const started = await initiate(h);
    expect((await upload(h, started.uploadLink, gzipSync(records(1300)))).statusCode).toBe(200);
    const store = h.services.store;
    const now = new Date();
    // A process claims the job, saves one batch, and dies (its lease ended at once).
    const job = await store.jobs.claim(
      'crashed',
      now.toISOString(),
      new Date(now.getTime() + 30_000).toISOString(),
    );
    expect(job?.kind).toBe(OCI_IMPORT_JOB);
    if (!job) return;
    const { engine } = h.services;
    const applier = new ModelRecordApplier(
      engine.environments,
      engine.oci.graphs,
      engine.oci.updates,
      (e, s, i) => engine.setOnHand(e, s, i),
    );
    let saves = 0;
    const crashing = ociImportJob(
      store.ociImports,
      applier,
      () => new Date(),
    )({
      job,
      saveProgress: async (progress) => {
        saves++;
        await store.jobs.update(job.environmentId, job.jobId, 'crashed', {
          progress,
          leaseUntil: new Date(0).toISOString(),
        });
        return saves < 2;
      },
    });
    await expect(crashing).rejects.toThrow(/handed to another process/);
    const saved = await store.jobs.get(job.environmentId, job.jobId);
    expect(saved?.progress).toMatchObject({
      lines: 1010,
      read: 1010,
      processed: 1000,
      skipped: 10,
      errors: 10,
    });

    // The runner takes the job over and finishes it from line 1010.
    expect(await h.services.engine.jobRunner.runPending()).toBe(1);
    const finished = await store.jobs.get(job.environmentId, job.jobId);
    expect(finished?.attempts).toBe(2);
    const status = (await h.request('GET', started.importStatusLink)).json();
    expect(status.status).toBe('COMPLETED');
    expect(status.import).toMatchObject({
      recordsReadCount: 1300,
      recordsProcessedCount: 1287,
      recordsSkippedCount: 13,
    });
    const result = await h.request('GET', `${IMPORTS}/${started.importId}/file-content`);
    const lines = result.body.trim().split('\n');
    expect(lines).toHaveLength(14);
    expect(new Set(lines.slice(1).map((l) => JSON.parse(l).recordId)).size).toBe(13);
    expect(await ivOnHand(h, 'sku-129', 'loc-8')).toBe(298.5);
    // The file is dropped once imported.
    expect(await store.ociImports.readChunk('test', started.importId, 0)).toBeUndefined();
  });

  it('streams a 5 MB file in 1 MiB chunks and imports every record', { timeout: 240_000 }, async () => {
    // SKUs of 190 characters make the file large with fewer records
    // (test/oci/import-scale.test.ts imports 100,000).
    const file = Buffer.from(records(17_500, `-${'long-sku-'.repeat(20)}`));
    expect(file.length).toBeGreaterThan(5_000_000);
    const started = await initiate(h);
    expect((await upload(h, started.uploadLink, file)).statusCode).toBe(200);
    const entry = await h.services.store.ociImports.get('test', started.importId);
    expect(entry?.chunkCount).toBe(Math.ceil(file.length / (1024 * 1024)));
    expect(entry?.fileBytes).toBe(file.length);
    await h.services.engine.jobRunner.runPending();
    const status = (await h.request('GET', started.importStatusLink)).json();
    expect(status.import).toMatchObject({
      recordsReadCount: 17_500,
      recordsProcessedCount: 17_325,
      recordsSkippedCount: 175,
    });
  });
});
