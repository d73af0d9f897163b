import { expect } from 'vitest';
import { CONNECT_ERROR_CODES } from '../../src/http/oci/connect/connect-errors.js';
import { OCI_ERROR_CODES } from '../../src/http/oci/oci-problem.js';

const isOciCode = (code: unknown) => (OCI_ERROR_CODES as readonly unknown[]).includes(code);

/**
 * An OCI answer to a hostile body: problem+json with an OCI errorCode, or a 200 failing every record;
 * a Connect REST route: `[{ errorCode, message }]` with a platform code, or a 200 `success: false`.
 */
export function expectOciRefusal(
  response: { statusCode: number; body: string; headers: Record<string, unknown> },
  connect = false,
) {
  if (connect && response.statusCode !== 200) {
    expect(response.statusCode, response.body.slice(0, 300)).toBeGreaterThanOrEqual(400);
    expect(response.statusCode, response.body.slice(0, 300)).toBeLessThan(500);
    const errors = JSON.parse(response.body) as { errorCode: unknown; message: unknown }[];
    expect(errors).toEqual([{ errorCode: expect.any(String), message: expect.any(String) }]);
    expect(CONNECT_ERROR_CODES as readonly unknown[]).toContain(errors[0]?.errorCode);
    return;
  }
  const body = JSON.parse(response.body) as Record<string, unknown>;
  if (connect) expect(body.success, response.body.slice(0, 300)).toBe(false);
  if (response.statusCode === 200) {
    const errors = body.errors as { errorCode?: unknown; error?: unknown }[];
    expect(errors.length, response.body.slice(0, 300)).toBeGreaterThan(0);
    for (const e of errors) expect(isOciCode(e.errorCode) || typeof e.error === 'string').toBe(true);
    return;
  }
  expect(response.statusCode, response.body.slice(0, 300)).toBeGreaterThanOrEqual(400);
  expect(response.statusCode, response.body.slice(0, 300)).toBeLessThan(500);
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(isOciCode(body.errorCode), response.body.slice(0, 300)).toBe(true);
}
