import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { OnhandError } from '../../src/domain/codes.js';
import { QUERY_BODY_MAX_CHARS, QueryBodies } from '../../src/http/query-bodies.js';

/** What the content-type parser and then the handler do with one request's body text. */
function ask<T>(bodies: QueryBodies<T>, environmentId: string, text: string): { value: T; known: boolean } {
  const request = { environmentId, body: undefined as unknown, queryBodyText: null as string | null };
  const known = bodies.recall(request as unknown as FastifyRequest, text);
  request.body = known ?? JSON.parse(text);
  return { value: bodies.take(request as unknown as FastifyRequest), known: known !== undefined };
}

const checked = (body: unknown) => {
  const value = body as { n?: unknown };
  if (typeof value.n !== 'number') throw new OnhandError('invalid_type', 'n must be a number.');
  return { n: value.n, list: [value.n] };
};

describe('query bodies seen before', () => {
  it('hands the same frozen checked value for the same text in the same environment', () => {
    const bodies = new QueryBodies(checked, 10);
    const first = ask(bodies, 'a', '{"n":1}');
    const again = ask(bodies, 'a', '{"n":1}');
    expect(first.known).toBe(false);
    expect(again.known).toBe(true);
    expect(again.value).toBe(first.value);
    expect(Object.isFrozen(first.value)).toBe(true);
    expect(Object.isFrozen(first.value.list)).toBe(true);
  });

  it('keeps environments apart and texts apart', () => {
    const bodies = new QueryBodies(checked, 10);
    const inA = ask(bodies, 'a', '{"n":1}');
    const inB = ask(bodies, 'b', '{"n":1}');
    const spaced = ask(bodies, 'a', '{ "n": 1 }');
    expect(inB.known).toBe(false);
    expect(spaced.known).toBe(false);
    expect(inB.value).not.toBe(inA.value);
    expect(inB.value).toEqual(inA.value);
    expect(bodies.size).toBe(3);
  });

  it('never remembers a body that fails its check: it fails every time', () => {
    const bodies = new QueryBodies(checked, 10);
    for (let i = 0; i < 3; i++) expect(() => ask(bodies, 'a', '{"n":"one"}')).toThrow('n must be a number.');
    expect(bodies.size).toBe(0);
  });

  it('holds at most its bound, dropping bodies not asked for again first', () => {
    const bodies = new QueryBodies(checked, 3);
    ask(bodies, 'a', '{"n":0}');
    for (let n = 1; n <= 20; n++) {
      ask(bodies, 'a', `{"n":${n}}`);
      // Body 0 is asked for between every two new ones: it stays.
      expect(ask(bodies, 'a', '{"n":0}').known).toBe(true);
      expect(bodies.size).toBeLessThanOrEqual(3);
    }
    expect(bodies.size).toBe(3);
    expect(ask(bodies, 'a', '{"n":1}').known).toBe(false);
  });

  it('does not remember long bodies, nor any body with a bound of 0', () => {
    const long = JSON.stringify({ n: 1, pad: 'x'.repeat(QUERY_BODY_MAX_CHARS) });
    const bodies = new QueryBodies(checked, 10);
    ask(bodies, 'a', long);
    expect(ask(bodies, 'a', long).known).toBe(false);
    const none = new QueryBodies(checked, 0);
    ask(none, 'a', '{"n":1}');
    expect(ask(none, 'a', '{"n":1}').known).toBe(false);
    expect(bodies.size + none.size).toBe(0);
  });
});
