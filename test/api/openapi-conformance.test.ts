import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';
import {
  fetchOpenApiDocument,
  type Media,
  type OpenApiDocument,
  type Operation,
  operationsOf,
} from '../support/openapi-document.js';

/**
 * The OpenAPI document tells the truth: every operation is called with the example of its request
 * body, and the answer's status must be one the operation declares and its body must match the schema
 * declared for that status. Each operation is called first with a bad Api-Version: exactly the
 * operations that declare the header refuse it.
 */

const DOCS_RESERVATION_ID = 'r0mwsx1ls000000-31ed81741c3cbb90';

let h: Harness;
let document: OpenApiDocument;
let ajv: Ajv;

beforeAll(async () => {
  h = await startHarness({ environments: ['demo'] });
  await h.services.auth.ensureAdminClient('admin', 'YOUR_SECRET');
  document = await fetchOpenApiDocument(h);
  ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema({ $id: 'onhand.json', components: document.components });
  for (const [id, productId] of [
    ['seed-tshirt', 'T-shirt'],
    ['seed-bike', 'Bike'],
  ] as const) {
    const res = await h.request('POST', '/api/environment/demo/onhand', {
      id,
      organizationId: 'usmf',
      productId,
      dimensions: { siteId: '1', locationId: '11', colorId: productId === 'T-shirt' ? 'red' : '' },
      quantities: { pos: { inbound: 100 } },
    });
    expect(res.statusCode, res.body).toBe(200);
  }
});
afterAll(() => h?.close());

describe('the OpenAPI document against the running API', () => {
  it('every operation answers a declared status with a body of its declared schema', async () => {
    const problems: string[] = [];
    let reservationId: string | undefined;
    let configuration: unknown;
    // Deletions last: they empty the partition the other examples write to.
    const operations = operationsOf(document).sort(
      (a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'),
    );
    for (const { method, path, operation } of operations) {
      const where = `${method} ${path}`;
      const url = `${path
        .replace('{environmentId}', 'demo')
        .replace('{organizationId}', 'demo')
        .replace('{locationId}', 'surprise')
        .replace('{sku}', 'sku123')
        .replace('{requestId}', 'conformance-1')
        .replace('{exportId}', 'graph-1')
        .replace('{inventorySystem}', 'pos')
        .replace('{reservationId}', reservationId ?? 'no-such-reservation')
        .replace('{tenantId}', 'contoso')
        .replace('{webhookId}', 'wh_none')}${queryOf(operation)}`;
      let body = exampleOf(operation);
      if (operation.requestBody && body === undefined && /configuration\/hardupdate$/.test(path))
        body = configuration;
      if (operation.requestBody && body === undefined) {
        problems.push(`${where}: the request body has no example`);
        continue;
      }
      if (reservationId)
        body = JSON.parse(JSON.stringify(body ?? null).replaceAll(DOCS_RESERVATION_ID, reservationId));
      const send = (headers: Record<string, string>) =>
        streams(operation)
          ? streamed(method, url, { 'Api-Version': '1.0', ...headers })
          : h.request(method, url, body ?? undefined, { headers: { 'Api-Version': '1.0', ...headers } });

      const refused = await send({ 'Api-Version': '9.9' });
      const readsVersion = refused.statusCode === 400 && refused.body.includes('"path":"header:Api-Version"');
      const declaresVersion = (operation.parameters ?? []).some(
        (p) => p.in === 'header' && p.name === 'Api-Version',
      );
      if (readsVersion !== declaresVersion)
        problems.push(`${where}: reads Api-Version: ${readsVersion}, declares it: ${declaresVersion}`);

      const res = await send({});
      for (const answer of [refused, res]) {
        const problem = conformance(operation, answer);
        if (problem) problems.push(`${where} ${problem}`);
      }
      if (/\/onhand\/reserve$/.test(path) && res.statusCode === 200)
        reservationId = (res.json() as { reservationId: string }).reservationId;
      if (method === 'GET' && /\/configuration$/.test(path)) configuration = res.json();
    }
    expect(problems).toEqual([]);
    expect(reservationId, 'the reserve example reserved').toBeDefined();
    // Every operation of the document in turn (over a hundred requests): on Citus, with the suite's
    // other files running beside it on two cores, that took 40 s.
  }, 120_000);
});

/** True for an operation whose success is an endless event stream (the feed's server-sent events). */
function streams(operation: Operation): boolean {
  return Object.keys(operation.responses['200']?.content ?? {}).includes('text/event-stream');
}

/**
 * An event stream never ends: it is read as a stream, and only what arrived in the first moment is
 * checked (a refusal is read whole).
 */
async function streamed(method: string, url: string, headers: Record<string, string>) {
  const response = await h.app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${h.adminToken}`, ...headers },
    payloadAsStream: true,
  });
  const stream = response.stream();
  let body = '';
  if (response.statusCode >= 400) for await (const chunk of stream) body += String(chunk);
  else {
    body = String(stream.read() ?? '');
    stream.destroy();
  }
  return {
    statusCode: response.statusCode,
    headers: response.headers,
    body,
    json: () => JSON.parse(body) as unknown,
  };
}

/** Why an answer does not match what the operation declares, or undefined when it does. */
function conformance(
  operation: Operation,
  res: { statusCode: number; headers: Record<string, unknown>; body: string; json: () => unknown },
): string | undefined {
  const declared = operation.responses[String(res.statusCode)];
  if (!declared) return `answered ${res.statusCode}, which it does not declare: ${res.body.slice(0, 300)}`;
  // 204 No Content: nothing to check but that there is nothing.
  if (res.statusCode === 204) return res.body === '' ? undefined : 'answered 204 with a body';
  const type = String(res.headers['content-type'] ?? '').split(';')[0] ?? '';
  const media: Media | undefined = declared.content?.[type];
  if (!media) return `answered ${res.statusCode} as ${type}, which it does not declare`;
  if (type === 'text/event-stream') return undefined; // its events are checked in feed-stream.test.ts
  const payload = /^application\/(.+\+)?json$/.test(type) ? res.json() : res.body;
  const check = ajv.compile(media.schema.$ref ? { $ref: `onhand.json${media.schema.$ref}` } : media.schema);
  return check(payload)
    ? undefined
    : `${res.statusCode}: ${ajv.errorsText(check.errors)}: ${res.body.slice(0, 300)}`;
}

/** The query string of the examples of an operation's query parameters. */
function queryOf(operation: Operation): string {
  const query = new URLSearchParams();
  for (const parameter of operation.parameters ?? []) {
    const example = (parameter as { example?: unknown }).example;
    if (parameter.in === 'query' && example !== undefined) query.set(parameter.name, String(example));
  }
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

function exampleOf(operation: Operation): unknown {
  const media = Object.values(operation.requestBody?.content ?? {})[0];
  return media?.example ?? Object.values(media?.examples ?? {})[0]?.value;
}
