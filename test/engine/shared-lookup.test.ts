import { describe, expect, it } from 'vitest';
import { SharedLookup } from '../../src/engine/oci/shared-lookup.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('SharedLookup (one lookup per key for the callers of one turn)', () => {
  it('answers the callers of one turn with one lookup per key', async () => {
    const asked: string[] = [];
    const shared = new SharedLookup(async (key) => {
      asked.push(key);
      return `${key}@${asked.length}`;
    });
    const answers = await Promise.all([shared.get('a'), shared.get('b'), shared.get('a'), shared.get('a')]);
    expect(asked).toEqual(['a', 'b']);
    expect(answers).toEqual(['a@1', 'b@2', 'a@1', 'a@1']);
  });

  it('never gives a caller a lookup that started before it asked', async () => {
    // The value changes between the two lookups: the second caller must see the new one.
    let value = 'old';
    let started = 0;
    let release: () => void = () => {};
    const shared = new SharedLookup(async () => {
      started++;
      const read = value;
      // A lookup that takes a while (a round trip on PostgreSQL).
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return read;
    });
    const first = shared.get('env');
    await nextTurn();
    expect(started).toBe(1);
    value = 'new';
    const second = shared.get('env');
    release();
    await expect(first).resolves.toBe('old');
    await nextTurn();
    expect(started).toBe(2);
    release();
    await expect(second).resolves.toBe('new');
  });

  it('fails every caller that joined a failed lookup, and the next turn looks up again', async () => {
    let calls = 0;
    const shared = new SharedLookup(async () => {
      calls++;
      if (calls === 1) throw new Error('connection terminated');
      return 'graph';
    });
    const joined = [shared.get('env'), shared.get('env')];
    for (const p of joined) await expect(p).rejects.toThrow('connection terminated');
    await expect(shared.get('env')).resolves.toBe('graph');
    expect(calls).toBe(2);
  });

  it('fails its callers when the lookup throws before returning a promise', async () => {
    const shared = new SharedLookup<string>(() => {
      throw new Error('closed');
    });
    await expect(shared.get('env')).rejects.toThrow('closed');
  });
});
