import type { CompiledConfiguration } from '../../domain/config/compiled-configuration.js';
import { selectedPartitions } from '../../domain/partition.js';
import { aggregate } from '../../domain/query/aggregate.js';
import { type AtpRequest, applyAtp } from '../../domain/query/parse-atp.js';
import {
  type ExactQueryInput,
  type IndexQueryInput,
  parseExactQuery,
  parseIndexQuery,
} from '../../domain/query/parse-query.js';
import type { OnHandRow, QueryLimits, QueryPlan } from '../../domain/query/query-plan.js';
import { dateOf } from '../../domain/schedule/schedule-date.js';
import type { Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import { stateAt } from '../feed/as-of.js';
import type { Feed } from '../feed/feed.js';
import type { Consistency, StockViews } from '../reads/stock-views.js';
import { AnswerCache } from './answer-cache.js';
import { PlanCache } from './plan-cache.js';
import { minPositionOf, TOKEN_WAIT_MS } from './read-position.js';

/** How an availability query is answered (Onhand extensions; docs/storefront.md). */
export interface QueryOptions {
  /** The answer as of a past moment: an RFC 3339 time or a feed position (docs/feed.md). */
  readonly asOf?: string;
  /** `strict` (default) or `bounded` (Onhand-Consistency). */
  readonly consistency?: Consistency;
  /** A feed position or a commit token the answer must reflect (Onhand-Min-Position). */
  readonly minPosition?: string;
  /** Told the position the answer reflects (at least), for the Onhand-Position header. */
  readonly onPosition?: (position: number) => void;
}

export interface QueryRunnerDeps {
  readonly store: Store;
  readonly environments: Environments;
  readonly feed: Feed;
  readonly views: StockViews;
  readonly limits: QueryLimits;
  readonly clock: () => Date;
  readonly spanSize: number;
}

/**
 * Answers validated query plans: from the in-memory stock view when it can (a live answer for named
 * products), as of a past moment from a snapshot minus later changes, otherwise from the database.
 */
export class QueryRunner {
  readonly #answers = new AnswerCache(10_000);
  readonly #plans = new PlanCache();

  constructor(private readonly deps: QueryRunnerDeps) {}

  /** The plan of an index query (parsed once per frozen input and configuration: PlanCache), with ATP. */
  indexPlan(config: CompiledConfiguration, input: IndexQueryInput, version: 1 | 2): QueryPlan {
    const plan = this.#plans.plan(config, input, version === 1 ? 'index1' : 'index2', () =>
      parseIndexQuery(config, input, this.deps.limits, version),
    );
    return this.withAtp(config, plan, input);
  }

  /** The plan of an exact query, as indexPlan. */
  exactPlan(config: CompiledConfiguration, input: ExactQueryInput, version: 1 | 2): QueryPlan {
    const plan = this.#plans.plan(config, input, version === 1 ? 'exact1' : 'exact2', () =>
      parseExactQuery(config, input, this.deps.limits, version),
    );
    return this.withAtp(config, plan, input);
  }

  /** Makes the plan an ATP query when the request asks for one (QueryATP), as of today (UTC). */
  withAtp(config: CompiledConfiguration, plan: QueryPlan, request: AtpRequest): QueryPlan {
    if (request.QueryATP !== true) return plan;
    return applyAtp(config, plan, request, dateOf(this.deps.clock()));
  }

  async run(environmentId: string, plan: QueryPlan, options: QueryOptions = {}): Promise<OnHandRow[]> {
    const { store, limits } = this.deps;
    const config = await this.deps.environments.get(environmentId);
    const partitionIds = selectedPartitions(
      config.partitionRule,
      plan.organizationIds,
      plan.productIds,
      plan.siteIds,
      plan.locationIds,
    );
    const selector = {
      organizationIds: plan.organizationIds,
      productIds: plan.productIds,
      siteIds: plan.siteIds,
      locationIds: plan.locationIds,
      ...(partitionIds === undefined ? {} : { partitionIds }),
    };
    if (options.asOf !== undefined) {
      const position = await this.deps.feed.positionAsOf(environmentId, options.asOf);
      const past = await stateAt(store, environmentId, selector, position, this.deps.spanSize);
      options.onPosition?.(position);
      const today = plan.atp?.today;
      const scheduled =
        config.schedule.commitOnDate || today === undefined
          ? past.schedule
          : past.schedule.filter((r) => r.date >= today);
      return aggregate(config, plan, past.stock, limits, plan.atp ? scheduled : []);
    }
    const minPosition = await minPositionOf(this.deps.feed, options.minPosition);
    if (!plan.atp) {
      const answer = await this.deps.views.read(environmentId, selector, {
        consistency: options.consistency ?? 'strict',
        ...(minPosition === undefined ? {} : { minPosition }),
      });
      if (answer) {
        options.onPosition?.(answer.position);
        return this.#answers.answer(config, plan, answer.stamp, () =>
          aggregate(config, plan, answer.rows, limits),
        );
      }
    }
    // From the database: it holds every committed write, so the answer reflects at least every
    // position given out before the read (PostgreSQL gives them just after commit: wait for those).
    const head = options.onPosition
      ? ((await store.feed.settleAll(TOKEN_WAIT_MS)) ?? (await store.feed.head()))
      : 0;
    const values = await store.readStock(environmentId, selector);
    options.onPosition?.(Math.max(head, minPosition ?? 0));
    if (!plan.atp) return aggregate(config, plan, values, limits);
    // Schedules dated before today lapse (the vendor's rule) unless commitScheduledChanges is about to
    // commit them: then they are read too and count as today's (see atpQuantities).
    const fromDate = config.schedule.commitOnDate ? null : plan.atp.today;
    const scheduled = await store.readSchedule(environmentId, selector, fromDate);
    return aggregate(config, plan, values, limits, scheduled);
  }
}
