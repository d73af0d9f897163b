import { describe, expect, it } from 'vitest';
import { CommitOutcomeUnknown, classifyStoreError } from '../../src/store/store-errors.js';

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
});
