import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ID, ADMIN_SECRET, type Harness, startHarness } from '../support/harness.js';
import { SECTION_1 } from './examples/section-1.js';
import { SECTION_1_8 } from './examples/section-1-8.js';
import { SECTION_2 } from './examples/section-2.js';
import { SECTIONS_3_TO_5, SECTIONS_6_7 } from './examples/section-3-5.js';
import {
  dateStringFromToday,
  dayFromToday,
  type ExampleRow,
  type Preset,
  type Step,
} from './examples/types.js';

/**
 * Every behaviour the spec records as seen in Microsoft's own examples and tests ([EX], issue 12), one
 * row each, replayed over real HTTP against the whole app on a fresh environment per row. Runs on
 * SQLite, and on PostgreSQL when ONHAND_TEST_POSTGRES_URL is set (vitest.config.ts). A row that cannot
 * be matched is skipped with the reason in its name. The spec line numbers in the rows are those of
 * the [EX] marks they cover; the mark on line 11 defines the marker and is no behaviour.
 */

const ROWS: readonly ExampleRow[] = [
  ...SECTION_1,
  ...SECTION_1_8,
  ...SECTION_2,
  ...SECTIONS_3_TO_5,
  ...SECTIONS_6_7,
];

let h: Harness;
let base = '';

beforeAll(async () => {
  h = await startHarness({ environments: [] });
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
});
afterAll(() => h?.close());

/** The vendor's sample runtime configuration (test/fixtures/README.md). */
interface SampleConfiguration extends Record<string, unknown> {
  readonly scheduleConfiguration: Record<string, unknown>;
  readonly reservConfiguration: Record<string, unknown>;
  readonly indexConfiguration: Record<string, unknown>;
}
const sample = (): SampleConfiguration =>
  JSON.parse(readFileSync(new URL('../fixtures/runtime-configuration.sample.json', import.meta.url), 'utf8'));

function presetBody(preset: Exclude<Preset, 'default'>): Record<string, unknown> {
  const config = sample();
  if (preset === 'sample') return config;
  const byLocation = {
    ...config,
    cachePartitionIdVersion: 'ByLocation',
    partitionConfiguration: { useProductId: false, useDimensions: true },
  };
  switch (preset) {
    case 'byLocation':
      return byLocation;
    case 'mod64':
      return {
        ...config,
        cachePartitionIdVersion: 'ByLocationAndProductIdMod64',
        partitionConfiguration: { useProductId: true, useDimensions: true },
      };
    case 'atp180':
      return {
        ...byLocation,
        scheduleConfiguration: {
          ...config.scheduleConfiguration,
          isScheduleV2: true,
          atpCalculatedMeasures: { '@iv': { '@available_to_reserve': 30 } },
        },
      };
    case 'v1':
      return { ...byLocation, reservConfiguration: { ...config.reservConfiguration, version: 1 } };
    case 'noIndex':
      return { ...byLocation, indexConfiguration: { ...config.indexConfiguration, indexAttributeSets: [] } };
  }
}

async function install(env: string, preset: Preset): Promise<void> {
  const res =
    preset === 'default'
      ? await send(env, { method: 'PUT', path: '' }, {})
      : await send(env, { path: '/configuration/hardupdate', body: presetBody(preset) }, {});
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

/** Replaces {{name}} in every string and key of a value. */
function fill(value: unknown, vars: Readonly<Record<string, unknown>>): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{(\w+)\}\}$/.exec(value);
    if (whole?.[1] && typeof vars[whole[1]] !== 'string' && vars[whole[1]] !== undefined)
      return vars[whole[1]];
    return value.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(vars[name] ?? `{{${name}}}`));
  }
  if (Array.isArray(value)) return value.map((item) => fill(item, vars));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [fill(k, vars) as string, fill(v, vars)]),
    );
  return value;
}

async function send(env: string, step: Step, vars: Readonly<Record<string, unknown>>): Promise<Response> {
  const path = fill(step.path, vars) as string;
  const url = path.startsWith('//') ? `${base}${path.slice(1)}` : `${base}/api/environment/${env}${path}`;
  const headers: Record<string, string> = {};
  const auth = step.auth ?? 'admin';
  if (auth === 'admin') headers.authorization = `Bearer ${h.adminToken}`;
  if (auth === 'lowercase') headers.authorization = `bearer ${h.adminToken}`;
  if (auth === 'invalid') headers.authorization = 'Bearer not.a.valid-token';
  for (const [name, value] of Object.entries(step.headers ?? {})) headers[name] = fill(value, vars) as string;
  let body: string | undefined;
  if (step.raw) {
    body = fill(step.raw.text, vars) as string;
    headers['content-type'] = step.raw.contentType;
  } else if (step.body !== undefined) {
    body = JSON.stringify(fill(step.body, vars));
    headers['content-type'] = 'application/json';
  }
  return fetch(url, { method: step.method ?? 'POST', headers, ...(body === undefined ? {} : { body }) });
}

async function replay(row: ExampleRow, env: string): Promise<void> {
  if (row.preset) await install(env, row.preset);
  const vars: Record<string, unknown> = {
    env,
    day1: dayFromToday(1),
    day2: dayFromToday(2),
    dateString1: dateStringFromToday(1),
    adminId: ADMIN_ID,
    adminSecret: ADMIN_SECRET,
  };
  for (const [i, step] of row.steps.entries()) {
    const res = await send(env, step, vars);
    const text = await res.text();
    const where = `step ${i + 1} (${step.method ?? 'POST'} ${step.path}) answered ${res.status}: ${text.slice(0, 600)}`;
    if (step.status === undefined) expect(res.status, where).toBeGreaterThanOrEqual(200);
    expect(res.status, where).toBe(step.status ?? (res.status < 300 ? res.status : 200));
    const json: unknown = text === '' ? undefined : JSON.parse(text);
    if (step.expect !== undefined) expect(json, where).toMatchObject(fill(step.expect, vars) as object);
    for (const [name, field] of Object.entries(step.save ?? {})) {
      vars[name] = (json as Record<string, unknown>)[field];
      expect(vars[name], `${where}: no ${field} to save`).toBeDefined();
    }
  }
}

describe('behaviours recorded from the vendor’s examples and tests ([EX], spec)', () => {
  it('lists each row once', () => {
    const names = ROWS.map((row) => `${row.spec}: ${row.name}`);
    expect(new Set(names).size).toBe(names.length);
  });

  ROWS.forEach((row, i) => {
    const title = `${row.spec}: ${row.name}`;
    if (row.skip) it.skip(`${title} [not matched: ${row.skip}]`, () => {});
    else it(title, () => replay(row, `ex${i}`));
  });
});
