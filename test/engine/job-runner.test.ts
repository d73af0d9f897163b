import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type JobHandler, JobRunner, MAX_ATTEMPTS } from '../../src/engine/jobs/job-runner.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, testBackends } from '../support/backends.js';

/** A gate a handler waits at until the test opens it. */
function gate(): { open: () => void; opened: Promise<void> } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe.each(testBackends())('the job runner on %s', (backend) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let now = new Date('2024-05-01T10:00:00Z');
  const clock = () => now;
  const errors: unknown[] = [];

  beforeEach(async () => {
    if (backend === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'onhand-jobs-'));
      store = SqliteStore.open({ file: join(dir, 'onhand.db') });
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    } else {
      const database = await createTestDatabase();
      store = await PostgresStore.connect({ connectionString: database.url });
      cleanup = database.drop;
    }
    await store.migrate();
    now = new Date('2024-05-01T10:00:00Z');
    errors.length = 0;
  });
  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  const submit = (jobId: string, request: unknown = null) =>
    store.jobs.create({ environmentId: 'env', jobId, kind: 'Steps', request, createdAt: now.toISOString() });
  const runner = (handler: JobHandler) =>
    new JobRunner(store, new Map([['Steps', handler]]), clock, (e) => errors.push(e));

  /** Counts to 3, saving progress after each step; waits at `pause` after step 1 when given. */
  const steps =
    (seen: unknown[], pause?: { reached: () => void; until: Promise<void> }): JobHandler =>
    async ({ job, saveProgress }) => {
      seen.push(job.progress);
      let step = (job.progress as { step: number } | null)?.step ?? 0;
      while (step < 3) {
        step++;
        if (!(await saveProgress({ step }))) throw new Error('handed back');
        if (step === 1 && pause) {
          pause.reached();
          await pause.until;
        }
      }
      return { result: { steps: step }, message: 'Counted.' };
    };

  it('a server that stops hands its job back, and the next one resumes it from its saved progress', async () => {
    await submit('Steps:1');
    const [reached, release] = [gate(), gate()];
    const seen: unknown[] = [];
    const first = runner(steps(seen, { reached: reached.open, until: release.opened }));
    const running = first.runPending();
    await reached.opened;
    const stopped = first.stop();
    release.open();
    await stopped;
    await running;
    // Its next save (step 2) was recorded, then it stopped; its lease ended at once.
    expect(await store.jobs.get('env', 'Steps:1')).toMatchObject({
      status: 'Running',
      progress: { step: 2 },
      leaseUntil: new Date(0).toISOString(),
    });

    const second = runner(steps(seen));
    expect(await second.runPending()).toBe(1);
    expect(seen).toEqual([null, { step: 2 }]);
    expect(await store.jobs.get('env', 'Steps:1')).toMatchObject({
      status: 'Completed',
      attempts: 2,
      progress: { step: 3 },
      result: { steps: 3 },
      message: 'Counted.',
    });
    expect(errors).toEqual([]);
  });

  it('fails a job whose handler throws, and one interrupted too many times, and goes on with the next', async () => {
    await submit('Steps:a');
    await submit('Steps:b');
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await store.jobs.claim(`dead-${i}`, now.toISOString(), new Date(now.getTime() + 1000).toISOString());
      now = new Date(now.getTime() + 2000);
    }
    const failing = runner(async ({ job }) => {
      if (job.jobId === 'Steps:b') throw new Error('the disk is full');
      return { message: 'never' };
    });
    expect(await failing.runPending()).toBe(2);
    expect(await store.jobs.get('env', 'Steps:a')).toMatchObject({
      status: 'Failed',
      message: `Interrupted ${MAX_ATTEMPTS} times; not resumed again.`,
    });
    expect(await store.jobs.get('env', 'Steps:b')).toMatchObject({
      status: 'Failed',
      message: 'the disk is full',
    });
    expect(errors).toHaveLength(1);
  });
});
