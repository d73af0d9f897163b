import { describe, expect, it } from 'vitest';
import { TrackedCache } from '../../src/engine/oci/reads/tracked-cache.js';

/** The in-memory OCI values (engine/oci/reads/tracked-cache.ts): kept until the feed says they changed. */
describe('values kept until the feed says they changed', () => {
  const loader = (source: Map<string, number>, log: string[][]) => async (missing: readonly string[]) => {
    log.push([...missing]);
    return new Map(missing.flatMap((k) => (source.has(k) ? [[k, source.get(k) as number] as const] : [])));
  };

  it('reads a key once, answers it from memory after, and again after a touch', async () => {
    const source = new Map([['a', 1]]);
    const log: string[][] = [];
    const cache = new TrackedCache<number>(10);
    expect([...(await cache.get('e', ['a', 'b'], loader(source, log), 0))]).toEqual([
      ['a', 1],
      ['b', 0],
    ]);
    source.set('a', 2);
    expect((await cache.get('e', ['a'], loader(source, log), 0)).get('a')).toBe(1);
    cache.touch('e', 'a');
    expect((await cache.get('e', ['a', 'b'], loader(source, log), 0)).get('a')).toBe(2);
    expect(log).toEqual([['a', 'b'], ['a']]);
  });

  it('does not keep a value whose key was touched while it was read, nor any after a clear', async () => {
    const cache = new TrackedCache<number>(10);
    let release: () => void = () => {};
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    const reading = cache.get(
      'e',
      ['a', 'b'],
      async () => {
        await slow;
        return new Map([
          ['a', 1],
          ['b', 1],
        ]);
      },
      0,
    );
    cache.touch('e', 'a');
    release();
    expect((await reading).get('a')).toBe(1);
    const log: string[][] = [];
    await cache.get('e', ['a', 'b'], loader(new Map(), log), 0);
    expect(log).toEqual([['a']]);
    cache.clear('e');
    await cache.get('e', ['b'], loader(new Map(), log), 0);
    expect(log).toEqual([['a'], ['b']]);
  });

  it('keeps at most its bound, every environment together', async () => {
    const cache = new TrackedCache<number>(3);
    const log: string[][] = [];
    await cache.get('e', ['a', 'b'], loader(new Map(), log), 0);
    await cache.get('f', ['c', 'd'], loader(new Map(), log), 0);
    expect(cache.size).toBe(3);
  });
});
