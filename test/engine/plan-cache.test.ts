import { describe, expect, it } from 'vitest';
import type { CompiledConfiguration } from '../../src/domain/config/compiled-configuration.js';
import type { QueryPlan } from '../../src/domain/query/query-plan.js';
import { PlanCache } from '../../src/engine/queries/plan-cache.js';

const configA = {} as CompiledConfiguration;
const configB = {} as CompiledConfiguration;
const counting = () => {
  let parses = 0;
  return {
    parse: () => {
      parses++;
      return { parse: parses } as unknown as QueryPlan;
    },
    get parses() {
      return parses;
    },
  };
};

describe('plans of query inputs seen before', () => {
  it('parses a frozen input once per configuration and kind', () => {
    const plans = new PlanCache();
    const input = Object.freeze({ filters: {} });
    const p = counting();
    const first = plans.plan(configA, input, 'index1', p.parse);
    expect(plans.plan(configA, input, 'index1', p.parse)).toBe(first);
    expect(p.parses).toBe(1);
    expect(plans.plan(configA, input, 'index2', p.parse)).not.toBe(first);
    expect(p.parses).toBe(2);
    // A new configuration object (an update): parsed again, and the old plan is not used after it.
    const updated = plans.plan(configB, input, 'index1', p.parse);
    expect(updated).not.toBe(first);
    expect(plans.plan(configB, input, 'index1', p.parse)).toBe(updated);
    expect(p.parses).toBe(3);
  });

  it('parses an input that is not frozen every time, and keeps nothing of a parse that throws', () => {
    const plans = new PlanCache();
    const p = counting();
    const input = { filters: {} };
    plans.plan(configA, input, 'exact1', p.parse);
    plans.plan(configA, input, 'exact1', p.parse);
    expect(p.parses).toBe(2);
    const frozen = Object.freeze({ filters: {} });
    const failing = () => {
      throw new Error('bad query');
    };
    expect(() => plans.plan(configA, frozen, 'exact1', failing)).toThrow('bad query');
    expect(() => plans.plan(configA, frozen, 'exact1', failing)).toThrow('bad query');
  });
});
