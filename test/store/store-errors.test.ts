import { describe, expect, it } from 'vitest';
import { CommitOutcomeUnknown, classifyStoreError, isStalePrepared } from '../../src/store/store-errors.js';

const failed = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('what a database error means for a client', () => {
  it.each([
    ['57014', 'timeout'],
    ['SQLITE_BUSY', 'timeout'],
    ['08006', 'unavailable'],
    ['57P01', 'unavailable'],
    ['53300', 'unavailable'],
    ['53100', 'unavailable'],
    ['SQLITE_FULL', 'unavailable'],
    ['ECONNREFUSED', 'unavailable'],
    ['26000', 'unavailable'],
    ['0A000', undefined],
    ['23505', undefined],
    ['42P01', undefined],
  ])('%s is %s', (code, meaning) => {
    expect(classifyStoreError(failed(code))).toBe(meaning);
  });

  it('tells a connection lost during COMMIT apart', () => {
    expect(classifyStoreError(new CommitOutcomeUnknown(failed('08006')))).toBe('outcome_unknown');
    expect(classifyStoreError(new Error('Connection terminated unexpectedly'))).toBe('unavailable');
    expect(classifyStoreError('not an error')).toBeUndefined();
  });

  it('takes a 0A000 for a stale statement only when it says its cached plan changed', () => {
    expect(classifyStoreError(failed('0A000', 'cached plan must not change result type'))).toBe(
      'unavailable',
    );
    expect(classifyStoreError(failed('0A000', 'complex joins are only supported when …'))).toBeUndefined();
  });
});

describe('a named statement gone stale on its connection', () => {
  it('is 0A000 saying its result type changed, or 26000 (deallocated), nothing else', () => {
    expect(isStalePrepared(failed('0A000', 'cached plan must not change result type'))).toBe(true);
    expect(isStalePrepared(failed('0A000', 'feature not supported'))).toBe(false);
    // A server answering in another language: the routine that raised it still tells.
    const translated = Object.assign(failed('0A000', 'le plan en cache ne doit pas modifier le type'), {
      routine: 'RevalidateCachedQuery',
    });
    expect(isStalePrepared(translated)).toBe(true);
    expect(isStalePrepared(failed('26000'))).toBe(true);
    expect(isStalePrepared(failed('23505'))).toBe(false);
    expect(isStalePrepared(failed('08006'))).toBe(false);
    expect(isStalePrepared({ code: '0A000' })).toBe(false);
  });
});
