import { OnhandError } from '../domain/codes.js';
import type { CompiledConfiguration } from '../domain/config/compiled-configuration.js';
import type { OnHandCommand, OnHandInput } from '../domain/onhand-command.js';
import { toChangeCommand, toSetCommand } from '../domain/onhand-command.js';
import { lockKeyOf } from '../domain/partition.js';
import { aggregate } from '../domain/query/aggregate.js';
import { type Page, pageByWarehouse } from '../domain/query/paging.js';
import { type AtpRequest, applyAtp } from '../domain/query/parse-atp.js';
import {
  type ExactQueryInput,
  type IndexQueryInput,
  parseExactQuery,
  parseIndexQuery,
} from '../domain/query/parse-query.js';
import type { OnHandRow, QueryLimits, QueryPlan } from '../domain/query/query-plan.js';
import { dateOf } from '../domain/schedule/schedule-date.js';
import type { FeedRecord } from '../store/feed-store.js';
import type { Store } from '../store/store.js';
import { AdjustmentPoster } from './adjustments/adjustment-poster.js';
import { Adjustments } from './adjustments/adjustments.js';
import { allocationBatch } from './allocation/allocation-batch.js';
import { Allocations } from './allocation/allocation-service.js';
import type { AllocationWork } from './allocation/allocation-work.js';
import { Catalogue } from './catalogue/catalogue.js';
import { ProductSearchQueries } from './catalogue/product-search-queries.js';
import { Environments } from './environments.js';
import { stateAt } from './feed/as-of.js';
import { Checkpointer, SPAN_SIZE } from './feed/checkpointer.js';
import { Feed } from './feed/feed.js';
import { recordConfigurationChange } from './feed/record-configuration.js';
import { type BatchHandler, GroupCommitter } from './group-commit.js';
import { createJobs } from './jobs/create-jobs.js';
import type { JobRunner } from './jobs/job-runner.js';
import type { Jobs } from './jobs/jobs.js';
import { type OnHandWork, onHandBatch } from './onhand-batch.js';
import { failureFromThrown, type ItemOutcome, withCommitMark } from './outcome.js';
import { PartitionAdmin } from './partition-admin.js';
import { requestHash } from './request-hash.js';
import { ExpiryScheduler } from './reservations/expiry-scheduler.js';
import { reservationBatch } from './reservations/reservation-batch.js';
import { Reservations } from './reservations/reservation-service.js';
import type { ReservationWork } from './reservations/reservation-work.js';
import { RolloverScheduler } from './schedules/rollover-scheduler.js';
import { type ScheduleWork, scheduleBatch } from './schedules/schedule-batch.js';
import { Schedules } from './schedules/schedule-service.js';
import { isUsableId, type WriteItem } from './write-item.js';

/** How long a read of the ledger or feed waits for entries committed before it to get their positions. */
const SETTLE_MS = 5000;

export interface EngineOptions {
  readonly store: Store;
  readonly clock: () => Date;
  readonly limits: QueryLimits;
  /** How long a cached configuration is trusted before it is re-read (ms). */
  readonly configTtlMs?: number;
  /** Told about unexpected failures of background work and of single write items, e.g. to log them. */
  readonly onBackgroundError?: (error: unknown) => void;
  /** How long the change feed serves entries by position (default 7 days). */
  readonly feedRetentionMs?: number;
  /** Scope states each environment's live feed stream keeps in memory (default 10,000). */
  readonly feedCacheScopes?: number;
  /** Positions per checkpoint span of as-of queries (default SPAN_SIZE). */
  readonly feedSpanSize?: number;
  /** How often adjustment lines not yet applied are posted, ms (default 5 minutes). */
  readonly adjustmentPostMs?: number;
}

/**
 * The use cases of Onhand. Writes go through a group committer (one durable transaction per batch);
 * queries read committed data and aggregate it in the domain.
 */
export class Engine {
  readonly environments: Environments;
  readonly partitions: PartitionAdmin;
  readonly reservations: Reservations;
  /** Releases expired reservations on time; started by the server, not by tests that drive time. */
  readonly expiry: ExpiryScheduler;
  /** On-hand change schedules (spec §3). */
  readonly schedules: Schedules;
  /** Runs the start-of-day sweep of schedules; started by the server, not by tests that drive time. */
  readonly rollover: RolloverScheduler;
  private readonly scheduleWriter: GroupCommitter<ScheduleWork, ItemOutcome>;
  private readonly onHandWriter: GroupCommitter<OnHandWork, ItemOutcome>;
  private readonly reservationWriter: GroupCommitter<ReservationWork, ItemOutcome>;
  /** Allocation (spec §4): allocate, unallocate, reallocate, consume and query. */
  readonly allocations: Allocations;
  private readonly allocationWriter: GroupCommitter<AllocationWork, ItemOutcome>;
  /** The change feed (docs/feed.md): every committed change, in order, for every follower. */
  readonly feed: Feed;
  /** Writes the feed's checkpoints for as-of queries; started by the server. */
  readonly checkpointer: Checkpointer;
  /** The product catalogue, and the product-search queries that read it (spec §2.7.5). */
  readonly catalogue: Catalogue;
  readonly productSearch: ProductSearchQueries;
  /** Background jobs (resync, log history) and their runner, started by the server. */
  readonly jobs: Jobs;
  readonly jobRunner: JobRunner;
  /** Business-layer adjustments (spec §2.11) and their periodic posting, started by the server. */
  readonly adjustments: Adjustments;
  readonly adjustmentPoster: AdjustmentPoster;

  constructor(private readonly options: EngineOptions) {
    const { store, clock } = options;
    this.environments = new Environments(store, clock, options.configTtlMs, (id, version) =>
      recordConfigurationChange(store, id, version, clock),
    );
    this.partitions = new PartitionAdmin(store, this.environments, clock);
    const report = options.onBackgroundError ?? (() => {});
    this.feed = new Feed({
      store,
      environments: this.environments,
      clock,
      onError: report,
      ...(options.feedRetentionMs === undefined ? {} : { retentionMs: options.feedRetentionMs }),
      ...(options.feedCacheScopes === undefined ? {} : { cacheScopes: options.feedCacheScopes }),
    });
    this.checkpointer = new Checkpointer(store, clock, report, this.spanSize);
    // Every writer marks its outcomes with the commit of their transaction (commit tokens).
    const writer = <W>(handler: BatchHandler<W, ItemOutcome>) =>
      new GroupCommitter(store, handler, undefined, withCommitMark);
    this.onHandWriter = writer(onHandBatch(report));
    this.reservationWriter = writer(reservationBatch(clock, report));
    this.reservations = new Reservations(store, this.environments, clock, this.reservationWriter, (at) =>
      this.expiry.notify(at),
    );
    this.expiry = new ExpiryScheduler(
      { expireDue: () => this.reservations.expireDue(), nextExpiry: () => store.nextExpiry() },
      clock,
      report,
    );
    this.scheduleWriter = writer(scheduleBatch(clock, report));
    this.schedules = new Schedules(store, this.environments, clock, this.scheduleWriter, report);
    this.rollover = new RolloverScheduler(() => this.schedules.rollOver(), clock, report);
    this.allocationWriter = writer(allocationBatch(report));
    this.allocations = new Allocations(store, this.environments, clock, this.allocationWriter);
    this.catalogue = new Catalogue(store, this.environments, clock);
    this.productSearch = new ProductSearchQueries(this.catalogue, this);
    const { reservations, environments } = this;
    ({ jobs: this.jobs, runner: this.jobRunner } = createJobs({
      store,
      environments,
      reservations,
      clock,
      onError: report,
    }));
    this.adjustments = new Adjustments(store, environments, clock, (env, items) =>
      this.changeOnHand(env, items),
    );
    const postMs = options.adjustmentPostMs ?? 300_000;
    this.adjustmentPoster = new AdjustmentPoster(() => this.adjustments.postPending(), postMs, report);
  }

  /**
   * On-hand change events (spec §2.5): one outcome per item, in order. Each item's `path` prefixes
   * the JSON pointers of its errors (`/3` for the fourth item of a bulk request).
   */
  changeOnHand(environmentId: string, items: readonly WriteItem<OnHandInput>[]): Promise<ItemOutcome[]> {
    return this.writeOnHand(environmentId, items, 'onhand', (config, input, path) =>
      toChangeCommand(config, input, path),
    );
  }

  /** Counts for one data source (spec §2.6). */
  async setOnHand(
    environmentId: string,
    inventorySystem: string,
    items: readonly WriteItem<OnHandInput>[],
  ): Promise<ItemOutcome[]> {
    const config = await this.environments.get(environmentId);
    const source = inventorySystem.toLowerCase();
    if (!config.dataSources.has(source)) {
      throw new OnhandError(
        'unknown_data_source',
        `Inventory system "${inventorySystem}" is not a configured data source.`,
      );
    }
    return this.writeOnHand(environmentId, items, 'setonhand', (cfg, input, path) =>
      toSetCommand(cfg, source, input, path),
    );
  }

  private async writeOnHand(
    environmentId: string,
    items: readonly WriteItem<OnHandInput>[],
    family: OnHandWork['family'],
    toCommand: (
      config: Awaited<ReturnType<Environments['get']>>,
      input: OnHandInput,
      path: string,
    ) => OnHandCommand,
  ): Promise<ItemOutcome[]> {
    const config = await this.environments.get(environmentId);
    const recordedAt = this.options.clock().toISOString();
    const outcomes: (ItemOutcome | Promise<ItemOutcome>)[] = items.map(({ input, path, clientId = null }) => {
      const hash = requestHash(input);
      try {
        const command = toCommand(config, input, path);
        const lockKey = lockKeyOf(
          environmentId,
          command.organizationId,
          command.productId,
          command.partitionId,
        );
        // The hash is taken from the request as sent (requestHash), so a retried count without
        // modifiedDateTimeUTC matches its first attempt; only then does it take the time it was received.
        const effective =
          command.kind === 'onhand.set' && command.countedAt === null
            ? { ...command, countedAt: recordedAt }
            : command;
        const work: OnHandWork = {
          environmentId,
          family,
          eventId: command.eventId,
          command: effective,
          hash,
          recordedAt,
          clientId,
          path,
        };
        return this.onHandWriter.submit(lockKey, work);
      } catch (error) {
        const rejected = failureFromThrown(typeof input.id === 'string' ? input.id : '', error);
        if (!isUsableId(input.id)) return rejected;
        // Still ask the ledger: this may be the retry of an event accepted before a configuration change.
        const work: OnHandWork = {
          environmentId,
          family,
          eventId: input.id,
          rejected,
          hash,
          recordedAt,
          path,
        };
        return this.onHandWriter.submit(lockKeyOf(environmentId, '', input.id, ''), work);
      }
    });
    return Promise.all(outcomes);
  }

  /**
   * Index query (spec §2.7.1 and §2.7.3): rows of one organization. `asOf` (an Onhand extension): the
   * answer as of a past moment, an RFC 3339 time or a feed position (docs/feed.md).
   */
  async indexQuery(environmentId: string, input: IndexQueryInput, asOf?: string): Promise<OnHandRow[]> {
    const config = await this.environments.get(environmentId);
    return this.run(
      environmentId,
      this.withAtp(config, parseIndexQuery(config, input, this.options.limits, 1), input),
      asOf,
    );
  }

  /** Paged index query, Api-Version 2.0 (spec §2.7.2). */
  async indexQueryPage(
    environmentId: string,
    input: IndexQueryInput,
    pageNumber: number,
    pageSize: number,
    asOf?: string,
  ): Promise<Page> {
    const config = await this.environments.get(environmentId);
    const plan = this.withAtp(config, parseIndexQuery(config, input, this.options.limits, 2), input);
    const rows = await this.run(environmentId, plan, asOf);
    return pageByWarehouse(rows, pageNumber, pageSize);
  }

  /** Exact query, v1 or v2 (spec §2.7.4). */
  async exactQuery(
    environmentId: string,
    input: ExactQueryInput,
    version: 1 | 2,
    asOf?: string,
  ): Promise<OnHandRow[]> {
    const config = await this.environments.get(environmentId);
    const plan = parseExactQuery(config, input, this.options.limits, version);
    return this.run(environmentId, this.withAtp(config, plan, input), asOf);
  }

  /** Ledger entries after feed position `after`, in commit order (audit, replay). */
  async ledger(environmentId: string, after: number, limit: number): Promise<FeedRecord[]> {
    await this.environments.get(environmentId);
    // Every entry acknowledged before this request is in the answer (PostgreSQL stamps positions just
    // after commit); if the sequencer is slow, the entries it has not stamped come in a later page.
    await this.options.store.feed.settleAll(SETTLE_MS);
    return this.options.store.feed.read(environmentId, after, limit);
  }

  private get spanSize(): number {
    return this.options.feedSpanSize ?? SPAN_SIZE;
  }

  /** Stops background work and waits for queued writes to commit (graceful shutdown). */
  async drain(): Promise<void> {
    await Promise.all([
      this.expiry.stop(),
      this.rollover.stop(),
      this.checkpointer.stop(),
      this.jobRunner.stop(),
      this.adjustmentPoster.stop(),
    ]);
    await Promise.all([
      this.onHandWriter.drain(),
      this.reservationWriter.drain(),
      this.scheduleWriter.drain(),
      this.allocationWriter.drain(),
    ]);
  }

  /** Makes the plan an ATP query when the request asks for one (QueryATP), as of today (UTC). */
  private withAtp(config: CompiledConfiguration, plan: QueryPlan, request: AtpRequest): QueryPlan {
    return applyAtp(config, plan, request, dateOf(this.options.clock()));
  }

  private async run(environmentId: string, plan: QueryPlan, asOf?: string): Promise<OnHandRow[]> {
    const config = await this.environments.get(environmentId);
    const selector = {
      organizationIds: plan.organizationIds,
      productIds: plan.productIds,
      siteIds: plan.siteIds,
      locationIds: plan.locationIds,
    };
    if (asOf !== undefined) {
      const position = await this.feed.positionAsOf(environmentId, asOf);
      const past = await stateAt(this.options.store, environmentId, selector, position, this.spanSize);
      const today = plan.atp?.today;
      const scheduled =
        config.schedule.commitOnDate || today === undefined
          ? past.schedule
          : past.schedule.filter((r) => r.date >= today);
      return aggregate(config, plan, past.stock, this.options.limits, plan.atp ? scheduled : []);
    }
    const values = await this.options.store.readStock(environmentId, selector);
    if (!plan.atp) return aggregate(config, plan, values, this.options.limits);
    // Schedules dated before today lapse (the vendor's rule) unless commitScheduledChanges is about to
    // commit them: then they are read too and count as today's (see atpQuantities).
    const fromDate = config.schedule.commitOnDate ? null : plan.atp.today;
    const scheduled = await this.options.store.readSchedule(environmentId, selector, fromDate);
    return aggregate(config, plan, values, this.options.limits, scheduled);
  }
}

export type { WriteItem } from './write-item.js';
