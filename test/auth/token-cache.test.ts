import { describe, expect, it } from 'vitest';
import { TokenCache } from '../../src/auth/token-cache.js';

const t0 = new Date('2025-03-01T12:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const principal = (clientId: string, expiresInSeconds = 3600) => ({
  clientId,
  roles: { a: 'write' as const },
  expiresAt: at(expiresInSeconds),
});

describe('TokenCache', () => {
  it('trusts an entry for 60 s, then forgets it', () => {
    const cache = new TokenCache();
    cache.set('t', principal('c'), t0);
    expect(cache.get('t', at(59))?.clientId).toBe('c');
    expect(cache.get('t', at(60))).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('never trusts an entry past the token expiry', () => {
    const cache = new TokenCache();
    cache.set('t', principal('c', 20), t0);
    expect(cache.get('t', at(19))).toBeDefined();
    expect(cache.get('t', at(20))).toBeUndefined();
  });

  it('evicts the oldest entry when full', () => {
    const cache = new TokenCache({ maxEntries: 2 });
    cache.set('t1', principal('c1'), t0);
    cache.set('t2', principal('c2'), t0);
    cache.set('t3', principal('c3'), t0);
    expect(cache.size).toBe(2);
    expect(cache.get('t1', t0)).toBeUndefined();
    expect(cache.get('t3', t0)?.clientId).toBe('c3');
  });

  it('forgets every token of a client', () => {
    const cache = new TokenCache();
    cache.set('t1', principal('c1'), t0);
    cache.set('t2', principal('c1'), t0);
    cache.set('t3', principal('c2'), t0);
    cache.forgetClient('c1');
    expect(cache.size).toBe(1);
    expect(cache.get('t3', t0)).toBeDefined();
  });
});
