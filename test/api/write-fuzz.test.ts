import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/domain/codes.js';
import { exportEnvironment } from '../../src/engine/transfer/export-environment.js';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';
import { OCI_FUZZ_TEMPLATES, OCI_WRITE_ROUTES } from '../support/oci-fuzz-table.js';
import { fillPath, isConnectRoute } from '../support/route-table.js';
import {
  CURRENT_CONFIGURATION,
  type FieldKind,
  FUZZ_TEMPLATES,
  NO_BODY_ROUTES,
  WRITE_ROUTES,
} from '../support/write-fuzz-table.js';
import { expectOciRefusal } from './oci-refusal.js';
import { enableAtp } from './schedule-helpers.js';

/**
 * Property-based fuzzing of every write endpoint with malformed and hostile bodies: wrong types, huge
 * numbers, NaN/Infinity strings, deep nesting, __proto__ and constructor keys, unicode, multi-megabyte
 * strings. Each answer must be a 4xx with a stable code (a bulk answers 200 with every item failed
 * with a 4xx statusCode and a stable code, as the spec's bulk shape requires), the app keeps
 * answering, and a full export of the environment is byte-for-byte the same afterwards.
 */
const RUNS = Number(process.env.ONHAND_FUZZ_RUNS ?? 25);
let h: Harness;
let configuration: unknown;

beforeAll(async () => {
  h = await startHarness();
  // Every feature a write endpoint needs is on, so hostile bodies reach validation (schedules: ATP).
  await enableAtp(h, 'test', h.adminToken);
  const seed = await h.request('POST', '/api/environment/test/onhand', tshirtEvent('seed-1'));
  expect(seed.statusCode).toBe(200);
  configuration = (await h.request('GET', '/api/environment/test/configuration')).json();
});
afterAll(async () => {
  await h?.close();
});

async function exportState(): Promise<string> {
  let text = '';
  await exportEnvironment(
    h.services.store,
    'test',
    (chunk) => {
      text += chunk;
    },
    { clock: () => new Date(0) },
  );
  return text;
}

/** Stands for a 3000-level nested array, spliced into the JSON text. */
const DEEP = '§deep§';
const controlString = fc.string({
  unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 8,
});
const unicodeKey = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).map((s) => `ƒ${s}`);
const structures = fc.constantFrom<unknown>(true, false, null, {}, [], [[[]]], {
  nested: { deeper: [1, 'two', null] },
});
const numbers = fc.constantFrom<unknown>(1e300, -1e300, Number.MAX_SAFE_INTEGER * 1024, 0.5, -1.5e-300, 0);
/** Multi-megabyte strings (under the 4 MiB body limit) and long unicode ones. */
const longStrings = fc.oneof(
  fc.integer({ min: 1_000_000, max: 3_000_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 300, max: 40_000 }).map((n) => '€'.repeat(n)),
);
const numberStrings = fc.oneof(
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e400', '-1e400', '0x10', '1_000', ' 1 2 ', '', 'ten'),
  fc.bigInt({ min: 10n ** 30n, max: 10n ** 60n }).map((n) => `${n}`),
);

/** Values that are never valid for a field of the kind; DEEP is spliced in as deep nesting. */
const HOSTILE: Record<FieldKind, fc.Arbitrary<unknown>> = {
  id: fc.oneof(numbers, structures, controlString, longStrings, fc.constant(''), fc.constant(DEEP)),
  quantity: fc.oneof(
    numberStrings,
    fc.constantFrom<unknown>(1e300, -1e300, 0.0000001, true, {}, []),
    longStrings,
    fc.constant(DEEP),
  ),
  object: fc.oneof(
    numbers,
    numberStrings,
    fc.constantFrom<unknown>(true, [], [1]),
    longStrings,
    fc.constant(DEEP),
  ),
  list: fc.oneof(numbers, numberStrings, fc.constantFrom<unknown>(true, {}, { length: 1 }), longStrings),
  integer: fc.oneof(
    numberStrings,
    fc.constantFrom<unknown>(1e300, 0.5, -1, true, {}, []),
    controlString,
    fc.constant(DEEP),
  ),
};

type Hostile =
  | { kind: 'field'; path: string; value: unknown }
  | { kind: 'key'; key: string }
  | { kind: 'top'; value: unknown };

const hostileFor = (fields: Readonly<Record<string, FieldKind>>): fc.Arbitrary<Hostile> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .constantFrom(...Object.keys(fields))
        .chain((path) =>
          HOSTILE[fields[path] as FieldKind].map((value) => ({ kind: 'field' as const, path, value })),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .oneof(fc.constantFrom('__proto__', 'constructor'), unicodeKey)
        .map((key) => ({ kind: 'key' as const, key })),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          numbers,
          numberStrings,
          controlString,
          fc.constantFrom<unknown>(true, null),
          longStrings,
          fc.constant(DEEP),
        )
        .map((value) => ({ kind: 'top' as const, value })),
    },
  );

/** The raw JSON text of `template` broken by `hostile`; bulk routes get it inside an array. */
function bodyText(template: unknown, hostile: Hostile, bulk: boolean): string {
  let text: string;
  if (hostile.kind === 'top') {
    text = JSON.stringify(hostile.value);
  } else {
    const body = structuredClone(template) as Record<string, unknown>;
    if (hostile.kind === 'field') {
      const parts = hostile.path.split('.');
      let target = body as Record<string, unknown>;
      for (const part of parts.slice(0, -1)) target = target[part] as Record<string, unknown>;
      target[parts[parts.length - 1] as string] = hostile.value;
      text = JSON.stringify(body);
    } else {
      // Keys such as __proto__ only survive as raw JSON text.
      const raw = JSON.stringify(body);
      const injected =
        hostile.key === 'constructor' ? '{"prototype":{"polluted":true}}' : '{"polluted":true}';
      text = raw.startsWith('{')
        ? `{${JSON.stringify(hostile.key)}:${injected},${raw.slice(1)}`
        : `[{${JSON.stringify(hostile.key)}:${injected}}]`;
    }
  }
  const depth = 3000;
  text = text.replaceAll(JSON.stringify(DEEP), `${'['.repeat(depth)}${']'.repeat(depth)}`);
  return bulk && !text.startsWith('[') ? `[${text}]` : text;
}

const isStableCode = (code: unknown) => typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
describe('every write endpoint has a fuzz template', () => {
  it('covers the route table', () => {
    const keys = WRITE_ROUTES.map((r) => `${r.method} ${r.path}`).filter((k) => !NO_BODY_ROUTES.includes(k));
    expect(keys.filter((k) => !FUZZ_TEMPLATES[k])).toEqual([]);
    const oci = OCI_WRITE_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(oci.filter((k) => !OCI_FUZZ_TEMPLATES[k])).toEqual([]);
  });
});

describe('the fuzz templates', () => {
  it('are valid bodies, so each hostile case breaks exactly one thing (checked on a separate app)', async () => {
    const other = await startHarness();
    try {
      await enableAtp(other, 'test', other.adminToken);
      const config = (await other.request('GET', '/api/environment/test/configuration')).json() as unknown;
      for (const [key, template] of Object.entries({ ...FUZZ_TEMPLATES, ...OCI_FUZZ_TEMPLATES })) {
        const [method = '', path = ''] = key.split(' ');
        const body = template.body === CURRENT_CONFIGURATION ? config : template.body;
        const response = await other.request(
          method,
          fillPath(path, 'test'),
          path.endsWith('/bulk') ? [body] : body,
          isConnectRoute(path) ? { token: await other.tokenWithRole(['test'], 'admin') } : {},
        );
        const text = response.body;
        // Ids that name nothing (a reservation, a partition) may be unknown; the shape must be right.
        expect(text, key).not.toMatch(
          /"(code|detail)":"(missing_field|unknown_field|invalid_type|invalid_request|malformed_json)"/,
        );
        // Connect REST refusals carry no Onhand code: the validator's messages tell a bad template.
        expect(text, key).not.toMatch(/This field is required|Unknown field|"message":"[^"]*: Expected /);
        expect(response.statusCode, `${key}: ${text.slice(0, 200)}`).toBeLessThan(500);
      }
    } finally {
      await other.close();
    }
  });
});

describe.each(WRITE_ROUTES.filter((r) => !NO_BODY_ROUTES.includes(`${r.method} ${r.path}`)))(
  'fuzzing $method $path',
  (route) => {
    it('answers hostile bodies with 4xx and a stable code, keeps running, and changes nothing', async () => {
      const template = FUZZ_TEMPLATES[`${route.method} ${route.path}`];
      if (!template) throw new Error('no template');
      const bulk = template.bulk ?? route.path.endsWith('/bulk');
      const templateBody = template.body === CURRENT_CONFIGURATION ? configuration : template.body;
      const before = await exportState();
      await fc.assert(
        fc.asyncProperty(hostileFor(template.fields), async (hostile) => {
          const response = await h.request(route.method, fillPath(route.path, 'test'), undefined, {
            rawBody: bodyText(templateBody, hostile, bulk),
          });
          const body = response.json() as Record<string, unknown>;
          expect(response.body).not.toMatch(/\bat .+:\d+:\d+|SQLITE_|syntax error at|node_modules/);
          if (response.statusCode === 200 && bulk) {
            expect(body.success).toEqual([]);
            expect(body.partialSuccess).toEqual([]);
            const items = Object.values(body).flat() as { statusCode: number; code: unknown }[];
            expect(items.length).toBeGreaterThan(0);
            for (const item of items) {
              expect(item.statusCode).toBeGreaterThanOrEqual(400);
              expect(item.statusCode).toBeLessThan(500);
              expect(isStableCode(item.code), JSON.stringify(item).slice(0, 300)).toBe(true);
            }
          } else {
            expect(response.statusCode, response.body.slice(0, 300)).toBeGreaterThanOrEqual(400);
            expect(response.statusCode, response.body.slice(0, 300)).toBeLessThan(500);
            expect(isStableCode(body.code ?? body.Code), response.body.slice(0, 300)).toBe(true);
          }
        }),
        {
          numRuns: RUNS,
          // Counterexamples can hold megabytes: report them shortened.
          reporter: (run) => {
            if (!run.failed) return;
            const example = `${route.method} ${route.path} ${JSON.stringify(run.counterexample).slice(0, 300)}`;
            const cause = String((run.errorInstance as Error | undefined)?.message ?? '').slice(0, 600);
            throw new Error(`Counterexample ${example}\n${cause}`);
          },
        },
      );
      expect((await h.request('GET', '/health/ping', undefined, { token: null })).statusCode).toBe(200);
      expect(await exportState()).toBe(before);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }, 120_000);
  },
);

describe.each(OCI_WRITE_ROUTES)('fuzzing OCI $method $path', (route) => {
  it('answers hostile bodies with problem+json (or every record failed), keeps running, changes nothing', async () => {
    const template = OCI_FUZZ_TEMPLATES[`${route.method} ${route.path}`];
    if (!template) throw new Error('no template');
    // A Connect REST route takes the environment from a token of one environment.
    const connect = isConnectRoute(route.path);
    const connectToken = connect ? await h.tokenWithRole(['test'], 'admin') : null;
    const before = await exportState();
    await fc.assert(
      fc.asyncProperty(hostileFor(template.fields), async (hostile) => {
        const response = await h.request(route.method, fillPath(route.path, 'test'), undefined, {
          rawBody: bodyText(template.body, hostile, false),
          ...(connect ? { token: connectToken } : {}),
        });
        expect(response.body).not.toMatch(/\bat .+:\d+:\d+|SQLITE_|syntax error at|node_modules/);
        expectOciRefusal(response, connect);
      }),
      { numRuns: RUNS },
    );
    expect((await h.request('GET', '/health/ping', undefined, { token: null })).statusCode).toBe(200);
    expect(await exportState()).toBe(before);
  }, 120_000);
});
