import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { type Harness, startHarness } from '../support/harness.js';
import { ARIZONA, AV, batch, ENV, enableFutures, IMPEX, uploadGraph } from './oci-helpers.js';

/**
 * get-deltas when the location graph or the configuration changes (docs/oci.md, "When the graph or the
 * configuration changes"): a change of what an export's places hold (a location joins or leaves one of
 * its groups, a location is removed or stands for another IV place, the OCI measures move) answers 410
 * ExpiredDeltaLink, so the client exports again; a graph change elsewhere goes on as before.
 */
describe.each(testBackends())('get-deltas after graph and configuration changes on %s', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend, environments: [ENV] });
    await uploadGraph(h, ARIZONA);
    const seeded = await batch(h, [
      { id: 's-1', sku: 'sku-a', location: 'surprise', onHand: 5 },
      { id: 's-2', sku: 'sku-b', location: 'warehouse5', onHand: 7 },
    ]);
    expect(seeded.statusCode).toBe(204);
  });
  afterAll(async () => {
    await h.close();
  });

  async function tokenOf(objects: unknown): Promise<string> {
    const started = await h.request('POST', `${IMPEX}/availability-records/exports`, { objects });
    expect(started.statusCode, started.body).toBe(200);
    const { exportId } = started.json() as { exportId: string };
    await h.services.engine.jobRunner.runPending();
    const file = await h.request('GET', `${IMPEX}/availability-records/exports/${exportId}/file-content`);
    const last = file.body.trim().split('\n').at(-1) ?? '{}';
    return (JSON.parse(last) as { deltaToken: string }).deltaToken;
  }

  const deltas = async (deltaToken: string) => {
    const response = await h.request('POST', `${AV}/availability-records/actions/get-deltas`, { deltaToken });
    return { status: response.statusCode, body: response.json() as Record<string, unknown> };
  };

  it('expires a group token once a location joins the group, and a location token only when its place changes', async () => {
    const group = await tokenOf({ groups: ['arizona'] });
    const location = await tokenOf({ locations: ['warehouse5'] });
    // A new location in no group changes neither export's places.
    await uploadGraph(h, { ...ARIZONA, locations: [...ARIZONA.locations, 'tucson'] });
    expect((await deltas(group)).status).toBe(200);
    const same = await deltas(location);
    expect(same.status).toBe(200);
    // warehouse5 joins arizona: the group's copy lacks sku-b; export again.
    await uploadGraph(h, {
      locations: [...ARIZONA.locations, 'tucson'],
      groups: [{ id: 'arizona', locations: ['surprise', 'wickenburg', 'warehouse5'] }],
    });
    const expired = await deltas(group);
    expect([expired.status, expired.body.errorCode]).toEqual([410, 'ExpiredDeltaLink']);
    // It stays expired (the token keeps what its export saw), also from a later token.
    expect((await deltas(group)).status).toBe(410);
    // warehouse5 itself still stands for the same IV place: its location copy goes on.
    const next = String((same.body as { nextDeltaToken: string }).nextDeltaToken);
    expect((await deltas(next)).status).toBe(200);
    // A fresh export of the new group follows on.
    const fresh = await tokenOf({ groups: ['arizona'] });
    expect((await deltas(fresh)).status).toBe(200);
    // warehouse5 now stands for another IV place: the location token expires too.
    await uploadGraph(h, {
      locations: [
        'surprise',
        'wickenburg',
        { id: 'warehouse5', iv: { organizationId: 'usmf', siteId: 'wh', locationId: 'wh5' } },
        'tucson',
      ],
      groups: [{ id: 'arizona', locations: ['surprise', 'wickenburg', 'warehouse5'] }],
    });
    expect((await deltas(next)).status).toBe(410);
    expect((await deltas(fresh)).status).toBe(410);
  });

  it('goes on after a configuration update that leaves the OCI measures where they were', async () => {
    const token = await tokenOf({ locations: ['surprise'] });
    await enableFutures(h);
    h.services.engine.environments.forget(ENV);
    const answer = await deltas(token);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  });
});
