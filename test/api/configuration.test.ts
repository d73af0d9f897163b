import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConfigCommand } from '../../src/cli/config-command.js';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';

/**
 * Hard update is unconditional (issue 12): the vendor's tests install their configuration by posting a
 * document copied from another environment. Optimistic concurrency stays available through ETag and
 * If-Match.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ environments: [] });
});
afterAll(() => h?.close());

/** The vendor's sample runtime configuration: environment 1b3ee7f1-…, configurationVersion 31. */
const sample = (): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL('../fixtures/runtime-configuration.sample.json', import.meta.url), 'utf8'));

const url = (env: string, tail = '') => `/api/environment/${env}/configuration${tail}`;

describe('hard update of a document copied from another environment', () => {
  it('creates the environment, ignoring the copied environment id, version and other server-owned fields', async () => {
    const copied: Record<string, unknown> = {
      ...sample(),
      entityVersion: 7,
      isUninstalled: true,
      isIndexUpgradeInProgress: true,
    };
    expect(copied.configurationVersion).toBe(31);
    const first = await h.request('POST', url('copied', '/hardupdate'), copied);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      environmentId: 'copied',
      configurationVersion: 1,
      entityVersion: 2,
      isUninstalled: false,
      isIndexUpgradeInProgress: false,
    });
    expect(first.headers.etag).toBe('"1"');

    // Posting the same copied document again (version 31 still in it) replaces it again.
    const second = await h.request('POST', url('copied', '/hardupdate'), copied);
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json()).toMatchObject({ environmentId: 'copied', configurationVersion: 2 });

    const got = await h.request('GET', url('copied'));
    expect(got.headers.etag).toBe('"2"');
    expect(got.json()).toMatchObject({ environmentId: 'copied', configurationVersion: 2, entityVersion: 2 });
    expect(got.json().cachePartitionIdVersion).toBe('byProductId');
  });

  it('replaces an existing configuration whatever version the body names', async () => {
    await h.request('PUT', '/api/environment/existing');
    for (const version of [31, 0, 1, -5]) {
      const res = await h.request('POST', url('existing', '/hardupdate'), {
        ...sample(),
        configurationVersion: version,
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    expect((await h.request('GET', url('existing'))).json().configurationVersion).toBe(5);
  });

  it('works as installed: the copied configuration serves writes and queries', async () => {
    const write = await h.request(
      'POST',
      '/api/environment/copied/onhand',
      tshirtEvent('copied-1', { dimensionDataSource: null, dimensions: { colorId: 'red' } }),
    );
    expect(write.json()).toMatchObject({ processingStatus: 'success', statusCode: 200 });
    const rows = await h.request('POST', '/api/environment/copied/onhand/indexquery', {
      filters: { organizationId: ['usmf'], productId: ['T-shirt'] },
      groupByValues: ['colorId'],
    });
    expect(rows.json()).toEqual([
      { productId: 'T-shirt', dimensions: { ColorId: 'red' }, quantities: { pos: { inbound: 1 } } },
    ]);
  });
});

describe('optimistic concurrency through ETag and If-Match', () => {
  it('applies a hard update whose If-Match is the current ETag, and refuses a stale one with 412', async () => {
    await h.request('PUT', '/api/environment/etag');
    const read = await h.request('GET', url('etag'));
    const etag = read.headers.etag as string;
    expect(etag).toBe(`"${read.json().configurationVersion}"`);

    const ok = await h.request('POST', url('etag', '/hardupdate'), read.json(), {
      headers: { 'if-match': etag },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.headers.etag).toBe(`"${read.json().configurationVersion + 1}"`);

    const before = (await h.request('GET', url('etag'))).json();
    const stale = await h.request('POST', url('etag', '/hardupdate'), read.json(), {
      headers: { 'if-match': etag },
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().code).toBe('configuration_version_conflict');
    expect((await h.request('GET', url('etag'))).json()).toEqual(before);
  });

  it('accepts a list of tags, weak tags and *, and refuses a tag that names no version', async () => {
    await h.request('PUT', '/api/environment/tags');
    const version = (await h.request('GET', url('tags'))).json().configurationVersion as number;
    const body = (await h.request('GET', url('tags'))).json();
    const send = (ifMatch: string) =>
      h.request('POST', url('tags', '/hardupdate'), body, { headers: { 'if-match': ifMatch } });
    expect((await send(`"99", W/"${version}"`)).statusCode).toBe(200);
    expect((await send('*')).statusCode).toBe(200);
    expect((await send('"not-a-version"')).statusCode).toBe(412);
    expect(
      (await h.request('POST', url('absent', '/hardupdate'), body, { headers: { 'if-match': '*' } }))
        .statusCode,
    ).toBe(412);
    expect((await h.request('GET', url('absent'))).statusCode).toBe(404);
  });
});

describe('onhand config (command line)', () => {
  it('shows a configuration and updates it from a copied document, conditionally with --if-version', async () => {
    const lines: string[] = [];
    const deps = {
      environments: h.services.engine.environments,
      out: (line: string) => lines.push(line),
      readText: async () => JSON.stringify(sample()),
    };
    expect(await runConfigCommand(['update', 'cli-env', 'copied.json'], deps)).toBe(0);
    expect(lines.pop()).toBe('Configuration of cli-env saved as version 1.');
    expect(await runConfigCommand(['update', 'cli-env', 'copied.json', '--if-version', '7'], deps)).toBe(1);
    expect(lines.pop()).toMatch(/^configuration_version_conflict: /);
    expect(await runConfigCommand(['update', 'cli-env', 'copied.json', '--if-version', '1'], deps)).toBe(0);
    expect(await runConfigCommand(['show', 'cli-env'], deps)).toBe(0);
    expect(JSON.parse(lines.pop() ?? '')).toMatchObject({
      environmentId: 'cli-env',
      configurationVersion: 2,
    });
    expect(await runConfigCommand(['update', 'cli-env'], deps)).toBe(2);
  });
});
