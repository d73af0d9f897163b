import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';

/**
 * The worked example of docs/api.md, Allocation, is replayed request by request against a fresh
 * environment "demo": every documented response must be exactly what the server answers, so the
 * example stays true.
 */

const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('## Allocation'));
const example = section.slice(section.indexOf('### Worked example'), section.indexOf('\n## ', 1));
const STEP =
  /`(POST|GET) (\/api\/environment\/demo[^`]*)`\n\n```json\n([\s\S]*?)\n```\n\n→ HTTP (\d+)[^\n]*\n\n```json\n([\s\S]*?)\n```/g;
const steps = [...example.matchAll(STEP)].map((m) => ({
  method: m[1]!,
  path: m[2]!,
  request: JSON.parse(m[3]!) as unknown,
  status: Number(m[4]),
  response: JSON.parse(m[5]!) as unknown,
}));

describe('docs/api.md, Allocation, worked example', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ environments: ['demo'] });
  });
  afterAll(() => h?.close());

  it('has the steps of the example', () => {
    expect(steps.length).toBe(7);
  });

  it('answers every documented request with the documented response', async () => {
    for (const [i, step] of steps.entries()) {
      const res = await h.request(step.method, step.path, step.request);
      const context = `step ${i + 1}: ${step.method} ${step.path} answered ${res.statusCode} ${res.body}`;
      expect(res.statusCode, context).toBe(step.status);
      expect(res.json(), context).toEqual(step.response);
    }
  });
});
