import type { CompiledConfiguration } from '../../domain/config/compiled-configuration.js';
import type { OnHandRow, QueryPlan } from '../../domain/query/query-plan.js';

interface Cached {
  readonly stamp: string;
  readonly rows: OnHandRow[];
}

/**
 * Answers computed from the in-memory stock, kept per configuration object and query plan with the
 * stamp of the products' versions they were computed from (StockView.rows): asked again while none of
 * those products changed, a query returns the same rows object, without aggregating again (and the
 * HTTP layer reuses its serialised text). At most `max` answers per configuration; the oldest go first.
 */
export class AnswerCache {
  readonly #byConfig = new WeakMap<CompiledConfiguration, Map<string, Cached>>();

  constructor(private readonly max: number) {}

  answer(
    config: CompiledConfiguration,
    plan: QueryPlan,
    stamp: string,
    compute: () => OnHandRow[],
  ): OnHandRow[] {
    if (this.max <= 0) return compute();
    let answers = this.#byConfig.get(config);
    if (!answers) {
      answers = new Map();
      this.#byConfig.set(config, answers);
    }
    const key = keyOf(plan);
    const cached = answers.get(key);
    if (cached && cached.stamp === stamp) return cached.rows;
    const rows = compute();
    answers.delete(key);
    answers.set(key, { stamp, rows });
    if (answers.size > this.max) {
      const oldest = answers.keys().next().value;
      if (oldest !== undefined) answers.delete(oldest);
    }
    return rows;
  }
}

const keys = new WeakMap<QueryPlan, string>();

/** planKey, once per plan object: a plan asked again (engine/queries/plan-cache.ts) keeps its key. */
function keyOf(plan: QueryPlan): string {
  let key = keys.get(plan);
  if (key === undefined) {
    key = planKey(plan);
    keys.set(plan, key);
  }
  return key;
}

/** Everything of a plan that shapes its answer (ATP plans are never cached). */
function planKey(plan: QueryPlan): string {
  return JSON.stringify([
    plan.organizationIds,
    plan.productIds,
    plan.siteIds,
    plan.locationIds,
    [...plan.filters].map(([name, values]) => [name, [...values]]),
    plan.tuples ?? null,
    plan.groupBy,
    plan.returnNegative,
  ]);
}
