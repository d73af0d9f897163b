import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fetchOpenApiDocument,
  type Media,
  type OpenApiDocument,
  operationsOf,
} from '../support/openapi-document.js';
import { compareAnswer } from '../support/walkthroughs/compare-answer.js';
import { curlRequests } from '../support/walkthroughs/curl-requests.js';
import { parseJsonSequence, parseWalkthrough } from '../support/walkthroughs/parse-walkthrough.js';

/**
 * The examples of the OpenAPI document are the docs' own: the requests and answers below are shown in
 * README.md or docs/ (a walkthrough's request body or shown answer, or a `json` block), and every
 * example of the document is valid against the schema it illustrates.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Operation, then `request` or the status whose example must be one the docs show. */
const FROM_THE_DOCS: readonly [string, string][] = [
  ['POST /api/environment/{environmentId}/onhand', 'request'],
  ['POST /api/environment/{environmentId}/onhand', '200'],
  ['POST /api/environment/{environmentId}/onhand/bulk', '200'],
  ['POST /api/environment/{environmentId}/setonhand/{inventorySystem}/bulk', 'request'],
  ['POST /api/environment/{environmentId}/onhand/indexquery', 'request'],
  ['POST /api/environment/{environmentId}/onhand/indexquery', '200'],
  ['GET /api/environment/{environmentId}/onhand', '200'],
  ['POST /api/environment/{environmentId}/onhand/exactquery', 'request'],
  ['POST /api/environment/{environmentId}/onhand/reserve', 'request'],
  ['POST /api/environment/{environmentId}/onhand/unreserve', 'request'],
  ['POST /api/environment/{environmentId}/onhand/offset', 'request'],
  ['GET /api/environment/{environmentId}/onhand/reservations/{reservationId}', '200'],
  ['POST /api/environment/{environmentId}/onhand/changeschedule', 'request'],
  ['POST /api/environment/{environmentId}/allocation/allocate', 'request'],
  ['POST /api/environment/{environmentId}/allocation/unallocate', 'request'],
  ['POST /api/environment/{environmentId}/allocation/reallocate', 'request'],
  ['POST /api/environment/{environmentId}/allocation/consume', 'request'],
  ['POST /api/environment/{environmentId}/allocation/query', 'request'],
  ['POST /oauth2/token', '200'],
  ['POST /token', '200'],
  ['GET /.well-known/jwks.json', '200'],
];

let document: OpenApiDocument;
let shown: unknown[];
beforeAll(async () => {
  document = await fetchOpenApiDocument();
  shown = docsJson();
});

/** Every JSON value README.md and docs/*.md show: request bodies, answers and `json` blocks. */
function docsJson(): unknown[] {
  const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => join('docs', f))].filter((f) =>
    f.endsWith('.md'),
  );
  const values: unknown[] = [];
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const item of parseWalkthrough(text).items) {
      if (item.kind !== 'step') continue;
      for (const request of curlRequests(item.script))
        if (request.json !== undefined) values.push(request.json);
      values.push(...(item.answer ? (parseJsonSequence(item.answer.text) ?? []) : []));
    }
    for (const block of text.matchAll(/```json\n([\s\S]*?)```/g)) {
      try {
        values.push(JSON.parse(block[1] ?? ''));
      } catch {
        // a block with elisions ({ … }) shows a shape, not a value
      }
    }
    for (const line of text.matchAll(/^# (\{.*\}|\[.*\])$/gm)) {
      try {
        values.push(JSON.parse(line[1] ?? ''));
      } catch {}
    }
  }
  return values;
}

function mediaOf(method: string, path: string, where: string): Media | undefined {
  const operation = document.paths[path]?.[method.toLowerCase()];
  const content =
    where === 'request' ? operation?.requestBody?.content : operation?.responses[where]?.content;
  return Object.values(content ?? {})[0];
}

const exampleOf = (media: Media | undefined) =>
  media?.example ?? Object.values(media?.examples ?? {})[0]?.value;

describe('the examples of the OpenAPI document', () => {
  it.each(FROM_THE_DOCS)('%s (%s) is one the docs show', (operation, where) => {
    const [method = '', path = ''] = operation.split(' ');
    const example = exampleOf(mediaOf(method, path, where));
    expect(example, 'the document has an example here').toBeDefined();
    const context = { generated: new Map<string, string | undefined>(), shiftDays: 0 };
    const matches = shown.filter((value) => compareAnswer(value, example, context).length === 0);
    expect(matches.length, JSON.stringify(example).slice(0, 300)).toBeGreaterThan(0);
  });

  it('every request and response example is valid against its schema', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addSchema({ $id: 'onhand.json', components: document.components });
    const problems: string[] = [];
    let checked = 0;
    for (const { method, path, operation } of operationsOf(document)) {
      const media = [
        ['request', operation.requestBody?.content],
        ...Object.entries(operation.responses).map(
          ([status, response]) => [status, response.content] as const,
        ),
      ] as const;
      for (const [where, content] of media) {
        for (const [type, item] of Object.entries(content ?? {})) {
          const example = exampleOf(item);
          if (example === undefined) continue;
          checked++;
          const check = ajv.compile(
            item.schema.$ref ? { $ref: `onhand.json${item.schema.$ref}` } : item.schema,
          );
          if (!check(example))
            problems.push(`${method} ${path} ${where} ${type}: ${ajv.errorsText(check.errors)}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(60);
  });

  it('every 2xx answer of every operation has an example', () => {
    const missing = operationsOf(document).flatMap(({ method, path, operation }) =>
      Object.entries(operation.responses)
        .filter(([status]) => status.startsWith('2'))
        .filter(([, response]) =>
          Object.values(response.content ?? {}).some((m) => exampleOf(m) === undefined),
        )
        .map(([status]) => `${method} ${path} ${status}`),
    );
    expect(missing).toEqual([]);
  });
});
