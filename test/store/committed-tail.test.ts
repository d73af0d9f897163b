import { describe, expect, it } from 'vitest';
import type { FeedRowText } from '../../src/store/ledger-codec.js';
import { CommittedTail } from '../../src/store/sqlite/committed-tail.js';
import { ledgerRowText } from '../support/ledger-row-texts.js';

/** A kept row of environment `e` at `seq` whose texts have `chars` characters in all. */
const row = (seq: number, chars = 3, e = 'env'): FeedRowText => ({
  ...ledgerRowText(seq, chars, e),
  position: seq,
  fed_at: '2026-12-04T00:00:00.000Z',
});
const seqs = (read: ReturnType<CommittedTail['read']>) => read?.rows.map((r) => Number(r.seq));

describe('the committed tail of a SQLite store (sqlite/committed-tail.ts)', () => {
  it('keeps at most its number of rows: older reads go to the file', () => {
    const tail = new CommittedTail(3, 1_000);
    tail.add([row(1), row(2)]);
    tail.add([row(3), row(4), row(5)]);
    expect(tail.read('env', 1, 10)).toBeUndefined();
    expect(seqs(tail.read('env', 2, 10))).toEqual([3, 4, 5]);
    expect(tail.read('env', 5, 10)).toEqual({ rows: [], through: 5 });
  });

  it('keeps at most its number of characters: a large row pushes older ones out, and is dropped itself when alone over the bound', () => {
    const tail = new CommittedTail(100, 10);
    tail.add([row(1, 3), row(2, 3), row(3, 3)]);
    expect(seqs(tail.read('env', 0, 10))).toEqual([1, 2, 3]);
    tail.add([row(4, 8)]);
    expect(tail.read('env', 2, 10)).toBeUndefined();
    expect(seqs(tail.read('env', 3, 10))).toEqual([4]);
    tail.add([row(5, 50)]);
    expect(tail.read('env', 4, 10)).toBeUndefined();
    // Nothing kept: a read after the last seq still knows that the file holds nothing more of its own.
    expect(tail.read('env', 5, 10)).toEqual({ rows: [], through: 5 });
    tail.add([row(6, 3)]);
    expect(seqs(tail.read('env', 5, 10))).toEqual([6]);
  });

  it('starts again when a commit does not follow the last kept row (another process wrote between)', () => {
    const tail = new CommittedTail(100, 1_000);
    tail.add([row(1), row(2)]);
    tail.add([row(4)]);
    expect(tail.read('env', 2, 10)).toBeUndefined();
    expect(seqs(tail.read('env', 3, 10))).toEqual([4]);
  });

  it('answers one environment, and through which seq the file holds nothing else of it', () => {
    const tail = new CommittedTail(100, 1_000);
    tail.add([row(1, 3, 'a'), row(2, 3, 'b'), row(3, 3, 'a'), row(4, 3, 'b')]);
    expect(tail.read('a', 0, 10)).toMatchObject({ through: 4 });
    expect(seqs(tail.read('a', 0, 10))).toEqual([1, 3]);
    expect(tail.read('a', 0, 1)).toMatchObject({ through: 1 });
  });
});
