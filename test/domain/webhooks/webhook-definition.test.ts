import { describe, expect, it } from 'vitest';
import { OnhandError } from '../../../src/domain/codes.js';
import { passes } from '../../../src/domain/feed/feed-filter.js';
import { keepsRetrying, MAX_RETRY_MS, retryDelayMs } from '../../../src/domain/webhooks/retry-schedule.js';
import {
  checkTargetUrl,
  normaliseFilters,
  secretKey,
} from '../../../src/domain/webhooks/webhook-definition.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof OnhandError ? `${error.code} ${error.details[0]?.path}` : String(error);
  }
  return 'ok';
};

describe('checkTargetUrl', () => {
  it.each([
    ['https://hooks.example.com/onhand', false, 'ok'],
    ['http://hooks.example.com:8080/a?b=c', false, 'ok'],
    ['ftp://hooks.example.com/', false, 'invalid_webhook_url /url'],
    ['hooks.example.com/onhand', false, 'invalid_webhook_url /url'],
    ['https://u:p@hooks.example.com/', false, 'invalid_webhook_url /url'],
    ['https://hooks.example.com/#x', false, 'invalid_webhook_url /url'],
    [`https://hooks.example.com/${'a'.repeat(2048)}`, false, 'invalid_webhook_url /url'],
    ['http://localhost:3000/', false, 'webhook_target_forbidden /url'],
    ['http://api.localhost/', false, 'webhook_target_forbidden /url'],
    ['http://127.0.0.1/', false, 'webhook_target_forbidden /url'],
    ['http://[::1]:8080/', false, 'webhook_target_forbidden /url'],
    ['http://10.0.0.8/', false, 'webhook_target_forbidden /url'],
    ['http://169.254.169.254/latest/meta-data', false, 'webhook_target_forbidden /url'],
    ['http://0x7f000001/', false, 'webhook_target_forbidden /url'],
    ['http://127.0.0.1:9000/', true, 'ok'],
    ['http://8.8.8.8/', false, 'ok'],
  ])('%s (allow private: %s) → %s', (url, allowPrivate, expected) => {
    expect(codeOf(() => checkTargetUrl(url, allowPrivate))).toBe(expected);
  });

  it('returns the URL as WHATWG URL writes it', () => {
    expect(checkTargetUrl('HTTPS://Hooks.Example.com', false)).toBe('https://hooks.example.com/');
  });
});

describe('normaliseFilters', () => {
  it('drops duplicates, lower-cases the measure and writes the threshold exactly', () => {
    const { filters, feedFilter } = normaliseFilters({
      productId: ['a', 'a', 'b'],
      measure: 'IV.AvailableToReserve',
      below: 0.1,
    });
    expect(filters).toEqual({
      productId: ['a', 'b'],
      siteId: [],
      locationId: [],
      kind: [],
      measure: 'iv.availabletoreserve',
      below: '0.1',
    });
    expect(feedFilter.threshold).toEqual({
      dataSource: 'iv',
      measure: 'availabletoreserve',
      direction: 'below',
      value: 100_000n,
    });
    // What it stores reads back to the same feed filter.
    expect(normaliseFilters(filters).feedFilter).toEqual(feedFilter);
  });

  it('is the feed filter: entries pass it as they pass the feed', () => {
    const { feedFilter } = normaliseFilters({ productId: ['a'] });
    const entry = (productId: string, kind = 'onhand.change') => ({
      kind,
      changes: [{ productId, dimensions: {} }],
      availability: [],
    });
    expect(passes(feedFilter, entry('a'))).toBe(true);
    expect(passes(feedFilter, entry('b'))).toBe(false);
    expect(passes(feedFilter, { kind: 'configuration.updated', changes: [], availability: [] })).toBe(true);
  });

  it.each([
    [{ measure: 'iv.x' }, 'invalid_request /filters/measure'],
    [{ below: 1 }, 'invalid_request /filters/measure'],
    [{ measure: 'nodot', above: 1 }, 'invalid_request /filters/measure'],
    [{ measure: 'iv.x', above: 1, below: 2 }, 'invalid_request /filters/measure'],
    [{ measure: 'iv.x', above: 'lots' }, 'invalid_quantity /filters/above'],
    [{ measure: 'iv.x', above: 1.1234567 }, 'quantity_precision /filters/above'],
  ])('%j → %s', (filters, expected) => {
    expect(codeOf(() => normaliseFilters(filters))).toBe(expected);
  });
});

describe('secretKey', () => {
  const b64 = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64');
  it.each([
    [`whsec_${b64(24)}`, 'ok'],
    [`whsec_${b64(32)}`, 'ok'],
    [`whsec_${b64(64)}`, 'ok'],
    [`whsec_${b64(23)}`, 'invalid_webhook_secret /secret'],
    [`whsec_${b64(65)}`, 'invalid_webhook_secret /secret'],
    [b64(32), 'invalid_webhook_secret /secret'],
    ['whsec_not base64!!', 'invalid_webhook_secret /secret'],
    ['', 'invalid_webhook_secret /secret'],
  ])('%s → %s', (secret, expected) => {
    expect(codeOf(() => secretKey(secret))).toBe(expected);
  });

  it('gives the bytes the secret encodes', () => {
    expect(Buffer.from(secretKey(`whsec_${b64(32)}`))).toEqual(Buffer.alloc(32, 7));
  });
});

describe('the retry schedule', () => {
  it.each([
    [1, 0, 2000],
    [1, 0.999, 1001],
    [2, 0, 4000],
    [3, 0.5, 6000],
    [10, 0, 15 * 60 * 1000],
    [1000, 0, MAX_RETRY_MS],
  ])('attempt %i with random %f waits %i ms', (attempts, random, expected) => {
    expect(retryDelayMs(attempts, random)).toBe(expected);
  });

  it('retries within 5 s after a first failure, and never waits less than half the exponential delay', () => {
    for (let i = 0; i < 100; i++) {
      const random = i / 100;
      expect(retryDelayMs(1, random)).toBeLessThanOrEqual(5000);
      for (let attempts = 1; attempts < 15; attempts++) {
        const full = Math.min(MAX_RETRY_MS, 2000 * 2 ** (attempts - 1));
        expect(retryDelayMs(attempts, random)).toBeGreaterThanOrEqual(full / 2);
        expect(retryDelayMs(attempts, random)).toBeLessThanOrEqual(full);
      }
    }
  });

  it('keeps retrying for the period from the first attempt, then gives up', () => {
    expect(keepsRetrying(0, 86_399_999, 86_400_000)).toBe(true);
    expect(keepsRetrying(0, 86_400_000, 86_400_000)).toBe(false);
  });
});
