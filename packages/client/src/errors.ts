/**
 * An answer other than 2xx, or a request that could not be sent. `code` is the server's stable error
 * code (docs/errors.md), e.g. `insufficient_availability`, `forbidden`, `cursor_expired`; `network_error`
 * when no answer came back after the retries.
 */
export class OnhandApiError extends Error {
  override readonly name = 'OnhandApiError';

  constructor(
    /** The server's error code, or `network_error`. */
    readonly code: string,
    /** The HTTP status (0 when no answer came back). */
    readonly status: number,
    message: string,
    /** The parsed answer (an error body or a write envelope), when there was one. */
    readonly body?: unknown,
  ) {
    super(message);
  }
}

/** The error of a non-2xx answer: its `code` from the body (`code`, or a write envelope's), else `http_STATUS`. */
export function errorOf(status: number, body: unknown, text: string): OnhandApiError {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const code =
    typeof record.code === 'string'
      ? record.code
      : typeof record.error === 'string'
        ? record.error
        : `http_${status}`;
  const message =
    typeof record.message === 'string' && record.message !== ''
      ? record.message
      : typeof record.error_description === 'string'
        ? record.error_description
        : text.slice(0, 300) || `HTTP ${status}`;
  return new OnhandApiError(code, status, message, body);
}
