import { describe, expect, it } from 'vitest';
import type { CompiledConfiguration } from '../../src/domain/config/compiled-configuration.js';
import type { LocationRecord } from '../../src/domain/oci/availability.js';
import type { AvailabilityRequest } from '../../src/domain/oci/availability-request.js';
import type { LocationGraph } from '../../src/domain/oci/location-graph.js';
import type { AvailabilityAnswer } from '../../src/engine/oci/oci-availability-answer.js';
import { OciAnswerCache } from '../../src/engine/oci/reads/oci-answer-cache.js';

/*
 * The kept get-availability answers (engine/oci/reads/oci-answer-cache.ts): one bound in records over
 * every environment, least recently used first. The configuration and graph only serve as identities
 * here, so plain objects stand for them.
 */
const config = () => ({}) as CompiledConfiguration;
const graph = () => ({}) as LocationGraph;
const request = (sku: string): AvailabilityRequest => ({
  kind: 'lists',
  skus: [sku],
  locations: ['l1'],
  groups: [],
});
const record = (sku: string): LocationRecord => ({
  sku,
  onHand: 1n as never,
  reserved: 0n as never,
  safetyStockCount: 0n as never,
  atf: 1n as never,
  ato: 1n as never,
  futures: [],
});
/** An answer of `n` records (its weight is n + 1). */
const answerOf = (n: number): AvailabilityAnswer => ({
  locations: [{ id: 'l1', records: Array.from({ length: n }, (_, i) => record(`s${i}`)) }],
});

describe('the kept OCI answers', () => {
  it('answers the same object while the stamp holds, and computes again when it changed', () => {
    const cache = new OciAnswerCache(100);
    const [c, g] = [config(), graph()];
    let computed = 0;
    const compute = () => {
      computed += 1;
      return answerOf(2);
    };
    const first = cache.answer(c, g, request('a'), 'v1', compute);
    expect(cache.answer(c, g, request('a'), 'v1', compute)).toBe(first);
    expect(computed).toBe(1);
    expect(cache.answer(c, g, request('a'), 'v2', compute)).not.toBe(first);
    expect(computed).toBe(2);
    expect(cache.records).toBe(3);
  });

  it('holds at most its bound in records over every configuration and graph, the least recently used going first', () => {
    const cache = new OciAnswerCache(20);
    const configs = Array.from({ length: 4 }, config);
    const graphs = configs.map(graph);
    // Four environments' answers of 5 records each (weight 6): only three fit.
    const answers = configs.map((c, i) =>
      cache.answer(c, graphs[i] as LocationGraph, request('a'), 'v', () => answerOf(5)),
    );
    expect(cache.records).toBe(18);
    // The first went when the fourth came. The second, used again, stays; the third, now the least
    // recently used, goes when another answer comes.
    expect(
      cache.answer(configs[1] as CompiledConfiguration, graphs[1] as LocationGraph, request('a'), 'v', () =>
        answerOf(5),
      ),
    ).toBe(answers[1]);
    cache.answer(configs[0] as CompiledConfiguration, graphs[0] as LocationGraph, request('b'), 'v', () =>
      answerOf(5),
    );
    expect(cache.records).toBe(18);
    const again = (i: number) =>
      cache.answer(configs[i] as CompiledConfiguration, graphs[i] as LocationGraph, request('a'), 'v', () =>
        answerOf(5),
      );
    expect(again(1)).toBe(answers[1]);
    expect(again(3)).toBe(answers[3]);
    expect(again(2)).not.toBe(answers[2]);
    expect(cache.records).toBeLessThanOrEqual(20);
  });

  it('does not keep an answer larger than its bound, and keeps nothing with a bound of 0', () => {
    const big = new OciAnswerCache(10);
    big.answer(config(), graph(), request('a'), 'v', () => answerOf(50));
    expect(big.records).toBe(0);
    const off = new OciAnswerCache(0);
    off.answer(config(), graph(), request('a'), 'v', () => answerOf(1));
    expect(off.records).toBe(0);
  });
});
