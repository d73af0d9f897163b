import type { paths } from './generated/openapi.js';

export type { components, paths } from './generated/openapi.js';

/** HTTP methods of the Onhand API. */
export type Method = 'get' | 'post' | 'put' | 'delete';

/** The path templates that take `M` (e.g. `'/api/environment/{environmentId}/onhand/indexquery'`). */
export type PathOf<M extends Method> = {
  [P in keyof paths]: paths[P] extends { [K in M]: unknown } ? P : never;
}[keyof paths];

/** The OpenAPI operation of a method and path. */
export type Operation<M extends Method, P extends keyof paths> = paths[P] extends { [K in M]: infer O }
  ? O
  : never;

/** The JSON request body an operation takes (undefined when it takes none). */
export type RequestBody<O> = O extends { requestBody: { content: { 'application/json': infer B } } }
  ? B
  : O extends { requestBody?: { content: { 'application/json': infer B } } }
    ? B | undefined
    : undefined;

/** The JSON answer of an operation's 200 response. */
export type Answer<O> = O extends { responses: { 200: { content: { 'application/json': infer R } } } }
  ? R
  : unknown;

/** The path parameters of an operation (environmentId is filled in by the client). */
export type PathParams<O> = O extends { parameters: { path: infer X } }
  ? Omit<X, 'environmentId'> & { environmentId?: string }
  : Record<string, never>;

/** The query parameters of an operation. */
export type QueryParams<O> = O extends { parameters: { query?: infer Q } } ? Q : never;
