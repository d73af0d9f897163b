import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/settings.js';

/** The NATS relay's settings: off without a URL; the flag wins over ONHAND_NATS_URL; bad values refused. */
describe('NATS settings', () => {
  const nats = (flags: Record<string, string>, env: Record<string, string>) => loadSettings(flags, env).nats;

  it('the relay is off without a NATS URL', () => {
    expect(nats({}, {})).toBeUndefined();
    expect(nats({}, { ONHAND_NATS_URL: '' })).toBeUndefined();
  });

  it('defaults: stream ONHAND, subjects onhand.…, a two-minute duplicate window, 256 in flight', () => {
    expect(nats({}, { ONHAND_NATS_URL: 'nats://127.0.0.1:4222' })).toEqual({
      url: 'nats://127.0.0.1:4222',
      stream: 'ONHAND',
      subjectPrefix: 'onhand',
      duplicateWindowSeconds: 120,
      maxInFlight: 256,
    });
  });

  it('--nats-url wins over ONHAND_NATS_URL, and the other settings come from the environment', () => {
    expect(
      nats(
        { 'nats-url': 'tls://a:4222,tls://b:4222' },
        {
          ONHAND_NATS_URL: 'nats://ignored:4222',
          ONHAND_NATS_STREAM: 'STOCK',
          ONHAND_NATS_SUBJECT_PREFIX: 'acme.stock',
          ONHAND_NATS_DUPLICATE_WINDOW_SECONDS: '600',
          ONHAND_NATS_MAX_IN_FLIGHT: '1',
        },
      ),
    ).toEqual({
      url: 'tls://a:4222,tls://b:4222',
      stream: 'STOCK',
      subjectPrefix: 'acme.stock',
      duplicateWindowSeconds: 600,
      maxInFlight: 1,
    });
  });

  it.each([
    [{ ONHAND_NATS_URL: 'http://127.0.0.1:4222' }, /ONHAND_NATS_URL/],
    [{ ONHAND_NATS_URL: 'nats://a b' }, /ONHAND_NATS_URL/],
    [{ ONHAND_NATS_URL: 'nats://h', ONHAND_NATS_STREAM: 'a.b' }, /ONHAND_NATS_STREAM/],
    [{ ONHAND_NATS_URL: 'nats://h', ONHAND_NATS_SUBJECT_PREFIX: 'onhand.>' }, /ONHAND_NATS_SUBJECT_PREFIX/],
    [{ ONHAND_NATS_URL: 'nats://h', ONHAND_NATS_SUBJECT_PREFIX: 'a..b' }, /ONHAND_NATS_SUBJECT_PREFIX/],
    [{ ONHAND_NATS_URL: 'nats://h', ONHAND_NATS_DUPLICATE_WINDOW_SECONDS: '5' }, /DUPLICATE_WINDOW/],
    [{ ONHAND_NATS_URL: 'nats://h', ONHAND_NATS_MAX_IN_FLIGHT: '0' }, /MAX_IN_FLIGHT/],
  ])('refuses %j with a message naming the setting', (env, message) => {
    expect(() => nats({}, env)).toThrow(message);
  });
});
