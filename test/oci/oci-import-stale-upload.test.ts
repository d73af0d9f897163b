import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { ENV } from './oci-helpers.js';

/*
 * An upload whose receiving process died leaves its import RECEIVING. More than ten minutes after the
 * upload began it is taken as abandoned (docs/oci.md, "Availability imports"): the link takes a file again
 * (while valid) and the import can be deleted, even once its link has expired; before that, both are
 * refused as in progress.
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
    expect(await h.services.store.ociImports.claimUpload(ENV, created.importId, at, at)).toBe(true);
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

  it('takes a file again more than ten minutes after it began, not before', async () => {
    const created = await abandoned(60);
    async function* body() {
      yield Buffer.from('\n');
    }
    now += 9 * 60_000;
    expect(await refusal(() => imports().receive(ENV, created.uploadLinkId, body()))).toBe(
      'already_received',
    );
    now += 60_000 + 1;
    expect((await imports().receive(ENV, created.uploadLinkId, body())).status).toBe('PENDING');
  });
});
