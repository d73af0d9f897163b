/**
 * The dashboard's HTTP client: same origin, bearer token from the session (never in a URL), answers
 * parsed with exact numbers (quantities stay decimal strings, see parseExact).
 */

/** A detail of an Onhand error: which field, what to fix. */
export interface ErrorDetail {
  readonly code: string;
  readonly path: string;
  readonly message: string;
}

/** An error answer of the API (`{ code, message, details }`, or a write envelope that failed). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
  }
}

/** A JSON value whose non-integer or large numbers are kept as their exact decimal text. */
export type Exact = string | number | boolean | null | Exact[] | { [key: string]: Exact };

/**
 * Parses JSON keeping numbers exact: safe integers stay numbers, every other number becomes the text
 * it was written as ("0.3", "1000000000000.000001"), so quantities are never rounded through a double.
 */
export function parseExact(text: string): unknown {
  return JSON.parse(text, function (
    this: unknown,
    _key: string,
    value: unknown,
    context?: { source?: string },
  ) {
    if (typeof value !== 'number') return value;
    const source = context?.source ?? String(value);
    return Number.isSafeInteger(value) && String(value) === source ? value : source;
  } as (key: string, value: unknown) => unknown);
}

/** Calls the API with the session's token. */
export class Api {
  constructor(
    private readonly token: string,
    private readonly onUnauthorized: () => void,
  ) {}

  get<T>(path: string): Promise<T> {
    return this.send<T>('GET', path);
  }

  post<T>(path: string, body: unknown = {}, extraHeaders: Record<string, string> = {}): Promise<T> {
    return this.send<T>('POST', path, body, extraHeaders);
  }

  put<T>(path: string): Promise<T> {
    return this.send<T>('PUT', path);
  }

  /** The environment routes' base path. */
  static env(environmentId: string): string {
    return `/api/environment/${encodeURIComponent(environmentId)}`;
  }

  async send<T>(
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ): Promise<T> {
    const headers: Record<string, string> = { ...extra, authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      cache: 'no-store',
      credentials: 'omit',
    });
    const text = await response.text();
    const parsed = text === '' ? null : safeParse(text);
    if (response.status === 401) this.onUnauthorized();
    if (!response.ok) throw toError(response.status, parsed);
    return parsed as T;
  }
}

function safeParse(text: string): unknown {
  try {
    return parseExact(text);
  } catch {
    return text;
  }
}

function toError(status: number, body: unknown): ApiError {
  if (body && typeof body === 'object') {
    // Onhand's error body, or an OCI problem+json (`errorCode`, docs/oci.md).
    const b = body as { code?: string; errorCode?: string; message?: string; details?: ErrorDetail[] };
    return new ApiError(
      status,
      b.code ?? b.errorCode ?? `http_${status}`,
      b.message ?? `HTTP ${status}`,
      b.details ?? [],
    );
  }
  return new ApiError(status, `http_${status}`, typeof body === 'string' && body ? body : `HTTP ${status}`);
}

/** Signs in with the client credentials grant; returns the access token. */
export async function requestToken(clientId: string, secret: string): Promise<string> {
  const response = await fetch('/oauth2/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
    }),
    credentials: 'omit',
  });
  const body = safeParse(await response.text());
  if (!response.ok) throw toError(response.status, body);
  return (body as { access_token: string }).access_token;
}
