import type { CompiledConfiguration } from '../../domain/config/compiled-configuration.js';
import type { QueryPlan } from '../../domain/query/query-plan.js';

/** Which parser made a plan: index or exact query, Api-Version 1 or 2 (the same input parses differently). */
export type PlanKind = 'index1' | 'index2' | 'exact1' | 'exact2';

interface Entry {
  readonly config: CompiledConfiguration;
  readonly plans: Map<PlanKind, QueryPlan>;
}

/**
 * Plans of query inputs seen before (docs/storefront.md, "Queries asked again"). Only a **frozen** input
 * is remembered, by identity: it cannot change, so the plan parsed from it against one configuration
 * object is the plan it would parse to again. The HTTP layer hands the same frozen input for the same
 * body text (http/query-bodies.ts); any other input is parsed every time. A plan is kept with the
 * configuration it was parsed against and used only while the environment still has that configuration
 * (a configuration update compiles a new object); a parse that throws is never kept, so a bad query
 * gets its error every time. Entries live as long as their input (a WeakMap): the bound is the HTTP
 * layer's.
 */
export class PlanCache {
  readonly #entries = new WeakMap<object, Entry>();

  plan(config: CompiledConfiguration, input: object, kind: PlanKind, parse: () => QueryPlan): QueryPlan {
    if (!Object.isFrozen(input)) return parse();
    let entry = this.#entries.get(input);
    if (entry?.config !== config) {
      entry = { config, plans: new Map() };
      this.#entries.set(input, entry);
    }
    let plan = entry.plans.get(kind);
    if (plan === undefined) {
      plan = parse();
      entry.plans.set(kind, plan);
    }
    return plan;
  }
}
