import { describe, expect, it } from 'vitest';
import type { ItemOutcome } from '../../src/engine/outcome.js';
import { clipEcho, clipEchoes } from '../../src/http/echo-limit.js';
import { buckets, envelope, statusCodeOf } from '../../src/http/envelope.js';
import { toJson } from '../../src/http/json.js';

/**
 * The envelope as it was first written (extra fields spread into the literal): envelope() now copies
 * them one by one, and must answer the same bytes.
 */
function spreadEnvelope(outcome: ItemOutcome, idPrefix = '', codes = {}): Record<string, unknown> {
  const body: Record<string, unknown> = {
    ...outcome.extra,
    id: `${idPrefix}${clipEcho(outcome.id)}`,
    processingStatus: outcome.status,
    message: clipEcho(outcome.message),
    statusCode: statusCodeOf(outcome, codes),
  };
  if (outcome.code) {
    body.code = outcome.code;
    body.details = clipEchoes(outcome.details ?? []);
  }
  return body;
}

const outcomes: ItemOutcome[] = [
  { id: 'r1', status: 'success', message: '' },
  {
    id: 'r2',
    status: 'success',
    message: '',
    extra: { reservationId: 'ohr-1', expiresAt: '2026-12-05T00:00:00Z' },
  },
  {
    id: 'r3',
    status: 'partialSuccess',
    message: '1 exceeded',
    extra: { totalInvalidOffsetQtyByReservId: 1_500_000n },
  },
  {
    id: 'r4',
    status: 'failure',
    message: 'Only 0 available',
    code: 'insufficient_availability',
    details: [{ code: 'insufficient_availability', path: '/quantity', message: 'Only 0 available' }],
  },
  { id: 'x'.repeat(300), status: 'failure', message: 'm'.repeat(300), code: 'invalid_type' },
  // Extra fields named like the envelope's own keep their place and take the envelope's value.
  {
    id: 'r6',
    status: 'success',
    message: 'kept',
    extra: { message: 'lost', b: 1, id: 'lost', 2: 'two', 1: 'one' },
  },
  {
    id: 'r7',
    status: 'success',
    message: '',
    extra: JSON.parse('{"__proto__": {"polluted": true}, "z": null}'),
  },
  { id: 'r8', status: 'conflict', message: 'used', code: 'event_id_conflict', extra: {} },
  // An outcome taken raw from an imported ledger file may carry a null extra: no fields, as the spread.
  { id: 'r0', status: 'success', message: '', extra: null as never },
];

describe('envelope', () => {
  it.each(outcomes.map((o) => [o.id.slice(0, 8), o] as const))(
    'answers %s as the spread form did',
    (_, o) => {
      const codes = { insufficient_availability: 500 };
      expect(toJson(envelope(o, 'ohre~', codes))).toBe(toJson(spreadEnvelope(o, 'ohre~', codes)));
      expect(toJson(envelope(o))).toBe(toJson(spreadEnvelope(o)));
    },
  );

  it('keeps an own __proto__ field a plain field and leaves the prototype alone', () => {
    const body = envelope(outcomes[6] as ItemOutcome);
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(Object.keys(body)).toEqual(['__proto__', 'z', 'id', 'processingStatus', 'message', 'statusCode']);
    expect((body as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('fills the bulk buckets with the same envelopes', () => {
    const answer = buckets(outcomes, 'ohre~');
    for (const [status, bucket] of Object.entries(answer)) {
      const expected = outcomes.filter((o) => o.status === status).map((o) => spreadEnvelope(o, 'ohre~'));
      expect(toJson(bucket), status).toBe(toJson(expected));
    }
    expect(Object.values(answer).flat()).toHaveLength(outcomes.length);
  });
});
