import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate } from '@readme/openapi-parser';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { hoistNamedSchemas } from '../../src/http/openapi/named-schemas.js';
import {
  fetchOpenApiDocument,
  type OpenApiDocument,
  operationsOf,
  templateOf,
} from '../support/openapi-document.js';
import { curlRequests } from '../support/walkthroughs/curl-requests.js';
import { parseJsonSequence, parseWalkthrough } from '../support/walkthroughs/parse-walkthrough.js';

/**
 * The OpenAPI document at /openapi.json is one a generator can use: valid, every body and 2xx/4xx
 * response a named schema, public routes without security, and the TypeScript types that
 * openapi-typescript generates from it accept the README's requests and answers.
 */

let document: OpenApiDocument;
beforeAll(async () => {
  document = await fetchOpenApiDocument();
});

const PUBLIC = [
  'GET /.well-known/jwks.json',
  'GET /health/ping',
  'GET /metrics',
  'GET /readyz',
  'POST /oauth2/token',
  'POST /token',
  'POST /{tenantId}/oauth2/v2.0/token',
];

/** POSTs that take no body by their specification (OCI: starting an export of the location graph). */
const BODILESS = ['POST /inventory/impex/v1/organizations/{organizationId}/location-graph/exports'];

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.0 document (@readme/openapi-parser)', async () => {
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.warnings).toEqual([]);
    expect(document.openapi).toBe('3.0.3');
  });

  it('gives every request body and every 2xx and 4xx response a named schema and a description', () => {
    const problems: string[] = [];
    for (const { method, path, operation } of operationsOf(document)) {
      const where = `${method} ${path}`;
      const body = operation.requestBody;
      if (!body && (method === 'POST' || method === 'PATCH') && !BODILESS.includes(where))
        problems.push(`${where}: no request body schema`);
      for (const [type, media] of Object.entries(body?.content ?? {}))
        if (!media.schema.$ref) problems.push(`${where}: request body (${type}) is not a named schema`);
      const statuses = Object.keys(operation.responses);
      if (!statuses.some((s) => s.startsWith('2'))) problems.push(`${where}: no 2xx response`);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (response.description === 'Default Response' || response.description === '')
          problems.push(`${where}: response ${status} has no description`);
        if (!/^[24]/.test(status)) continue;
        // 204 No Content has none by definition (the OCI routes' full successes).
        if (!response.content && status !== '204')
          problems.push(`${where}: response ${status} has no content`);
        for (const [type, media] of Object.entries(response.content ?? {}))
          if (!media.schema.$ref)
            problems.push(`${where}: response ${status} (${type}) is not a named schema`);
      }
    }
    expect(problems, 'declare these schemas with a title (docs/architecture.md)').toEqual([]);
    for (const name of ['LedgerEntries', 'Reservation', 'AllocationRecords', 'OnHandRows', 'WriteResult'])
      expect(Object.keys(document.components.schemas)).toContain(name);
  });

  it('asks a bearer token everywhere except on the public routes', () => {
    expect(document.security).toEqual([{ bearer: [] }]);
    const operations = operationsOf(document);
    const publicOnes = operations.filter((o) => o.operation.security?.length === 0);
    expect(publicOnes.map((o) => `${o.method} ${o.path}`).sort()).toEqual(PUBLIC);
    for (const { method, path, operation } of operations) {
      if (PUBLIC.includes(`${method} ${path}`)) continue;
      expect(operation.security, `${method} ${path}`).toBeUndefined();
      expect(operation['x-onhand-role'], `${method} ${path}`).toMatch(/^(availability|read|write|admin)$/);
    }
  });

  it('shows examples taken from the docs on the main requests and answers', () => {
    const example = (path: string, method = 'post') => {
      const media = document.paths[path]?.[method]?.requestBody?.content['application/json'];
      return media?.example ?? Object.values(media?.examples ?? {})[0]?.value;
    };
    expect(example('/api/environment/{environmentId}/onhand')).toMatchObject({ id: 'Test201' });
    expect(example('/api/environment/{environmentId}/onhand/reserve')).toMatchObject({ id: 'cart-7f3a' });
    expect(example('/api/environment/{environmentId}/allocation/allocate')).toMatchObject({
      id: 'Allocate-1',
    });
    const answer =
      document.paths['/api/environment/{environmentId}/onhand']?.get?.responses['200']?.content?.[
        'application/json'
      ]?.example;
    // The README's index query answer: the black and the red T-shirts (test/docs/openapi-examples.test.ts).
    expect(answer).toEqual([
      expect.objectContaining({
        productId: 'T-shirt',
        dimensions: expect.objectContaining({ ColorId: 'black' }),
      }),
      expect.objectContaining({
        productId: 'T-shirt',
        dimensions: expect.objectContaining({ ColorId: 'red' }),
      }),
    ]);
  });

  it('declares Api-Version on the IV routes that read it', () => {
    const header = (path: string, method: string) =>
      document.paths[path]?.[method]?.parameters?.some((p) => p.in === 'header' && p.name === 'Api-Version');
    expect(header('/api/environment/{environmentId}/onhand/indexquery', 'post')).toBe(true);
    expect(header('/api/environment/{environmentId}/onhand/bulk', 'post')).toBe(true);
    expect(header('/token', 'post')).toBe(true);
    expect(header('/api/environment/{environmentId}/ledger', 'get')).toBe(false);
  });
});

describe('named schemas', () => {
  const named = (title: string, extra: Record<string, unknown> = {}) => ({
    title,
    type: 'object',
    properties: { id: { type: 'string' } },
    ...extra,
  });
  const documentWith = (...schemas: unknown[]) => ({
    paths: {
      '/a': {
        post: {
          requestBody: { content: { 'application/json': { schema: schemas[0] } } },
          responses: {
            200: { content: { 'application/json': { schema: { type: 'array', items: schemas[1] } } } },
          },
        },
      },
    },
  });

  it('are moved to components.schemas, at any depth, and referred to', () => {
    const doc: Record<string, unknown> = documentWith(
      named('Item', { examples: [{ id: 'a' }] }),
      named('Item'),
    );
    hoistNamedSchemas(doc);
    expect(doc).toMatchObject({
      paths: {
        '/a': {
          post: {
            requestBody: {
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } },
            },
            responses: {
              200: {
                content: { 'application/json': { schema: { items: { $ref: '#/components/schemas/Item' } } } },
              },
            },
          },
        },
      },
      components: { schemas: { Item: named('Item', { example: { id: 'a' } }) } },
    });
  });

  it('refuse two different schemas with one title', () => {
    const doc = documentWith(named('Item'), named('Item', { required: ['id'] }));
    expect(() => hoistNamedSchemas(doc)).toThrow('Two different schemas are named "Item"');
  });
});

describe('TypeScript types generated by openapi-typescript', () => {
  it('type-check (tsc) the requests and answers of the README', { timeout: 120_000 }, async () => {
    const types = astToString(await openapiTS(structuredClone(document) as never));
    const examples = readmeExamples(document);
    expect(examples.length).toBeGreaterThan(8);
    const dir = mkdtempSync(join(tmpdir(), 'onhand-openapi-types-'));
    try {
      writeFileSync(join(dir, 'onhand-api.ts'), types);
      writeFileSync(join(dir, 'readme-examples.ts'), examplesModule(examples));
      const program = ts.createProgram([join(dir, 'readme-examples.ts')], {
        strict: true,
        noEmit: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        types: [],
      });
      const diagnostics = ts
        .getPreEmitDiagnostics(program)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(diagnostics).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

interface TypedExample {
  readonly type: string;
  readonly value: unknown;
}

/** The README's request bodies, query parameters and shown answers, each with the type it must have. */
function readmeExamples(doc: OpenApiDocument): TypedExample[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const examples: TypedExample[] = [];
  for (const item of parseWalkthrough(readme).items) {
    if (item.kind !== 'step') continue;
    const requests = curlRequests(item.script);
    for (const request of requests) {
      const path = templateOf(doc, request.path);
      if (!path) throw new Error(`README: no operation for ${request.method} ${request.path}`);
      const op = `paths['${path}']['${request.method.toLowerCase()}']`;
      if (request.json !== undefined)
        examples.push({ type: `Body<${op}, 'application/json'>`, value: request.json });
      if (request.form)
        examples.push({ type: `Body<${op}, 'application/x-www-form-urlencoded'>`, value: request.form });
      if (Object.keys(request.query).length > 0)
        examples.push({ type: `Query<${op}>`, value: request.query });
    }
    const last = requests.at(-1);
    const answer = item.answer && parseJsonSequence(item.answer.text);
    if (last && answer?.length === 1) {
      const op = `paths['${templateOf(doc, last.path)}']['${last.method.toLowerCase()}']`;
      examples.push({ type: `Answer<${op}, ${item.status ?? 200}>`, value: answer[0] });
    }
  }
  return examples;
}

function examplesModule(examples: readonly TypedExample[]): string {
  return `import type { paths } from './onhand-api.js';
type Content<T, C extends string> = T extends { content: infer M } ? (C extends keyof M ? M[C] : never) : never;
type Body<O, C extends string> = O extends { requestBody: infer R } ? Content<R, C> : O extends { requestBody?: infer R } ? Content<NonNullable<R>, C> : never;
type Query<O> = O extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
type Answer<O, S extends number> = O extends { responses: infer R } ? (S extends keyof R ? Content<R[S], 'application/json'> : never) : never;

${examples.map((e, i) => `export const example${i}: ${e.type} = ${JSON.stringify(e.value, null, 2)};`).join('\n\n')}

// The types are strict enough to refuse a field that does not exist.
// @ts-expect-error colour is not a field of an on-hand change
export const wrong: Body<paths['/api/environment/{environmentId}/onhand']['post'], 'application/json'> = { id: 'x', organizationId: 'usmf', productId: 'T-shirt', quantities: {}, colour: 'red' };
`;
}
