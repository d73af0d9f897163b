import { type Harness, startHarness } from './harness.js';

/** The OpenAPI document as /openapi.json serves it. */
export interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: { readonly schemas: Record<string, unknown> };
  readonly security?: unknown[];
}

export interface Operation {
  readonly security?: unknown[];
  readonly parameters?: { in: string; name: string }[];
  readonly requestBody?: { content: Record<string, Media> };
  readonly responses: Record<string, { description: string; content?: Record<string, Media> }>;
  readonly 'x-onhand-role'?: string;
}

export interface Media {
  readonly schema: { $ref?: string };
  readonly example?: unknown;
  readonly examples?: Record<string, { value: unknown }>;
}

/** Fetches the document of a whole app on a fresh harness. */
export async function fetchOpenApiDocument(existing?: Harness): Promise<OpenApiDocument> {
  const h = existing ?? (await startHarness());
  try {
    const res = await h.request('GET', '/openapi.json', undefined, { token: null });
    if (res.statusCode !== 200) {
      h.app.swagger(); // throws the reason, e.g. two schemas with one title
      throw new Error(`GET /openapi.json answered ${res.statusCode}: ${res.body}`);
    }
    return res.json() as OpenApiDocument;
  } finally {
    if (!existing) await h.close();
  }
}

/** Every operation: method (upper case), path template and the operation object. */
export function operationsOf(
  document: OpenApiDocument,
): { method: string; path: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
}

/** The path template of the document that a concrete path matches (the one with most literal text). */
export function templateOf(document: OpenApiDocument, path: string): string | undefined {
  const candidates = Object.keys(document.paths).filter((template) =>
    new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}/?$`, 'i').test(path),
  );
  const literal = (template: string) => template.replace(/\{[^}]+\}/g, '').length;
  return candidates.sort((a, b) => literal(b) - literal(a))[0];
}
