import { describe, expect, it } from 'vitest';
import {
  CHANGE_OBJECT_CHARS,
  CommittedCommits,
  type KeptRow,
} from '../../src/store/postgres/feed/committed-commits.js';
import { ledgerRowText } from '../support/ledger-row-texts.js';

/** A kept row of environment `e` at `seq` whose counted texts have `chars` characters in all. */
const row = (seq: number, chars = 3, e = 'env'): KeptRow => ({ ...ledgerRowText(seq, chars, e), format: 2 });
const seqs = (held: CommittedCommits, e: string, commitId: string) =>
  held.get(e, commitId)?.rows.map((r) => r.seq);

describe('the commits a PostgreSQL process holds for its feed reads (postgres/feed/committed-commits.ts)', () => {
  it('splits a commit by environment, in seq order, and drops the oldest commits whole past its rows', () => {
    const held = new CommittedCommits(5, 1_000);
    held.add('10', [row(11), row(13, 3, 'b'), row(12, 3, 'b')]);
    expect(seqs(held, 'env', '10')).toEqual([11]);
    expect(seqs(held, 'b', '10')).toEqual([12, 13]);
    held.add('20', [row(21), row(22), row(23)]);
    // 6 rows: env's part of commit 10 goes first (added first), then b's fits.
    expect(held.get('env', '10')).toBeUndefined();
    expect(seqs(held, 'b', '10')).toEqual([12, 13]);
    expect(held.size).toEqual({ commits: 2, rows: 5, chars: 15 });
    expect(held.holds('env')).toBe(true);
    held.add('30', [row(31), row(32), row(33), row(34), row(35), row(36)]);
    // Over the bound on its own: not held, and what was held stays.
    expect(held.get('env', '30')).toBeUndefined();
    expect(held.size).toEqual({ commits: 2, rows: 5, chars: 15 });
    expect(held.holds('env')).toBe(true);
    held.clear();
    expect(held.size).toEqual({ commits: 0, rows: 0, chars: 0 });
    expect(held.holds('env')).toBe(false);
  });

  it('keeps at most its characters, and forgets an environment', () => {
    const held = new CommittedCommits(100, 10);
    held.add('1', [row(1, 4), row(2, 4)]);
    held.add('2', [row(3, 4, 'b')]);
    expect(held.get('env', '1')).toBeUndefined();
    expect(seqs(held, 'b', '2')).toEqual([3]);
    held.add('3', [row(4, 3)]);
    expect(held.size).toEqual({ commits: 2, rows: 2, chars: 7 });
    held.forget('b');
    expect(held.holds('b')).toBe(false);
    expect(held.size).toEqual({ commits: 1, rows: 1, chars: 3 });
  });

  it('counts each change object a row keeps at CHANGE_OBJECT_CHARS', () => {
    const held = new CommittedCommits(100, 10_000);
    const change = {
      organizationId: 'usmf',
      productId: 'P',
      dimensions: {},
      dataSource: 'pos',
      measure: 'inbound',
      delta: 1n,
    };
    held.add('1', [{ ...row(1, 10), changes: 'c'.repeat(20), entryChanges: [change, change] }]);
    // request 8 + outcome 1 + changes 20, and two objects.
    expect(held.size).toEqual({ commits: 1, rows: 1, chars: 29 + 2 * CHANGE_OBJECT_CHARS });
    held.add('2', [{ ...row(2, 10), changes: 'c'.repeat(20) }]);
    expect(held.size).toEqual({ commits: 2, rows: 2, chars: 58 + 2 * CHANGE_OBJECT_CHARS });
  });
});
