import type { OnHandInput } from '../domain/onhand-command.js';
import { partitionLane } from '../domain/partition.js';
import { type Page, pageByWarehouse } from '../domain/query/paging.js';
import type { ExactQueryInput, IndexQueryInput } from '../domain/query/parse-query.js';
import type { OnHandRow } from '../domain/query/query-plan.js';
import type { FeedRecord } from '../store/feed-store.js';
import { AdjustmentPoster } from './adjustments/adjustment-poster.js';
import { Adjustments } from './adjustments/adjustments.js';
import { allocationBatch } from './allocation/allocation-batch.js';
import { Allocations } from './allocation/allocation-service.js';
import type { AllocationWork } from './allocation/allocation-work.js';
import { Catalogue } from './catalogue/catalogue.js';
import { ProductSearchQueries } from './catalogue/product-search-queries.js';
import type { EngineOptions } from './engine-options.js';
import { Environments } from './environments.js';
import { Checkpointer, SPAN_SIZE } from './feed/checkpointer.js';
import { Feed } from './feed/feed.js';
import { recordConfigurationChange } from './feed/record-configuration.js';
import { type BatchHandler, GroupCommitter } from './group-commit.js';
import { createJobs } from './jobs/create-jobs.js';
import type { JobRunner } from './jobs/job-runner.js';
import type { Jobs } from './jobs/jobs.js';
import { OciExportRetention } from './oci/exports/export-retention.js';
import { OciImports } from './oci/imports/oci-imports.js';
import { Oci } from './oci/oci.js';
import { ociHoldLookup } from './oci/oci-iv-guard.js';
import { ociJobHandlers } from './oci/oci-job-handlers.js';
import { OnHandWrites } from './onhand/onhand-writes.js';
import { type OnHandWork, onHandBatch } from './onhand-batch.js';
import { type ItemOutcome, withCommitMark } from './outcome.js';
import { PartitionAdmin } from './partition-admin.js';
import { type QueryOptions, QueryRunner } from './queries/query-runner.js';
import { StockViews } from './reads/stock-views.js';
import { ExpiryScheduler } from './reservations/expiry-scheduler.js';
import { reservationBatch } from './reservations/reservation-batch.js';
import { Reservations } from './reservations/reservation-service.js';
import type { ReservationWork } from './reservations/reservation-work.js';
import { RolloverScheduler } from './schedules/rollover-scheduler.js';
import { type ScheduleWork, scheduleBatch } from './schedules/schedule-batch.js';
import { Schedules } from './schedules/schedule-service.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';
import { unconfiguredWebhooks } from './webhooks/webhook-ports.js';
import { Webhooks } from './webhooks/webhook-service.js';
import type { WriteItem } from './write-item.js';

/** How long a read of the ledger or feed waits for entries committed before it to get their positions. */
const SETTLE_MS = 5000;

/**
 * The use cases of Onhand. Writes go through a group committer (one durable transaction per batch);
 * queries read committed data and aggregate it in the domain.
 */
export type { EngineOptions };

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
  private readonly onHand: OnHandWrites;
  private readonly reservationWriter: GroupCommitter<ReservationWork, ItemOutcome>;
  /** Allocation (spec §4): allocate, unallocate, reallocate, consume and query. */
  readonly allocations: Allocations;
  private readonly allocationWriter: GroupCommitter<AllocationWork, ItemOutcome>;
  /** The change feed (docs/feed.md): every committed change, in order, for every follower. */
  readonly feed: Feed;
  /** Writes the feed's checkpoints for as-of queries; started by the server. */
  readonly checkpointer: Checkpointer;
  /** The in-memory stock that answers availability queries for named products (docs/storefront.md). */
  readonly views: StockViews;
  private readonly queries: QueryRunner;
  /** Webhook subscriptions (docs/webhooks.md). */
  readonly webhooks: Webhooks;
  /** Makes webhook deliveries, sharing them with other processes; started by the server. */
  readonly webhookDispatcher: WebhookDispatcher;
  /** The product catalogue, and the product-search queries that read it (spec §2.7.5). */
  readonly catalogue: Catalogue;
  readonly productSearch: ProductSearchQueries;
  /** Background jobs (resync, log history) and their runner, started by the server. */
  readonly jobs: Jobs;
  readonly jobRunner: JobRunner;
  /** OCI availability imports (docs/oci.md), run as jobs. */
  readonly ociImports: OciImports;
  /** Deletes finished OCI exports after their retention (started by the server). */
  readonly ociExportRetention: OciExportRetention;
  /** Business-layer adjustments (spec §2.11) and their periodic posting, started by the server. */
  readonly adjustments: Adjustments;
  readonly adjustmentPoster: AdjustmentPoster;
  /** The Omnichannel Inventory face over the same stock (docs/oci.md). */
  readonly oci: Oci;

  constructor(private readonly options: EngineOptions) {
    const { store, clock } = options;
    this.environments = new Environments(store, clock, options.configTtlMs, (tx, id, version) =>
      recordConfigurationChange(tx, id, version, clock),
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
    this.views = new StockViews(store, this.feed.hub, {
      // Off where data is spread over machines (Citus): a view loaded while writes commit on several
      // workers can lose entries there (docs/operations.md, "What is different on Citus"); queries read
      // their one shard instead.
      maxRows: store.partitioned === true ? 0 : (options.readCacheRows ?? 1_000_000),
      waitMs: options.readWaitMs ?? 5000,
      onError: report,
    });
    this.queries = new QueryRunner({
      store,
      environments: this.environments,
      feed: this.feed,
      views: this.views,
      limits: options.limits,
      clock,
      spanSize: this.spanSize,
    });
    const hooks = options.webhooks ?? unconfiguredWebhooks();
    this.webhooks = new Webhooks({
      store,
      environments: this.environments,
      feed: this.feed,
      clock,
      ...hooks,
    });
    this.webhookDispatcher = new WebhookDispatcher({ store, feed: this.feed, clock, ...hooks }, report);
    // Every writer marks its outcomes with the commit of their transaction (commit tokens).
    // Where the store places data by partition (Citus), one write lane per partition.
    const laneOf = store.partitioned === true ? partitionLane : undefined;
    const writer = <W>(handler: BatchHandler<W, ItemOutcome>, options?: { preparedStatements: boolean }) =>
      new GroupCommitter(store, handler, undefined, withCommitMark, laneOf, options);
    this.onHandWriter = writer(onHandBatch(report));
    this.onHand = new OnHandWrites(this.environments, clock, this.onHandWriter);
    // A reservation batch runs the same few statements with few keys (TransactionOptions).
    this.reservationWriter = writer(reservationBatch(clock, report), { preparedStatements: true });
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
    this.oci = new Oci({
      store,
      environments,
      clock,
      report,
      feed: this.feed,
      jobs: () => this.jobs,
      onExpiry: (at) => this.expiry.notify(at),
      views: this.views,
    });
    ({ jobs: this.jobs, runner: this.jobRunner } = createJobs({
      store,
      environments,
      reservations,
      clock,
      onError: report,
      handlers: ociJobHandlers(store, environments, this.oci, (e, s, i) => this.setOnHand(e, s, i), clock),
    }));
    this.ociImports = new OciImports(store, environments, clock, this.jobRunner);
    this.ociExportRetention = new OciExportRetention(
      store,
      clock,
      options.ociExportRetentionMs ?? 72 * 3600 * 1000,
      report,
    );
    this.adjustments = new Adjustments(store, environments, clock, (env, items) =>
      this.changeOnHand(env, items),
    );
    const postMs = options.adjustmentPostMs ?? 300_000;
    this.adjustmentPoster = new AdjustmentPoster(() => this.adjustments.postPending(), postMs, report);
    this.reservations.ociHold = ociHoldLookup(store);
    this.allocations.ociHold = this.reservations.ociHold;
  }

  /**
   * On-hand change events (spec §2.5): one outcome per item, in order. Each item's `path` prefixes
   * the JSON pointers of its errors (`/3` for the fourth item of a bulk request).
   */
  changeOnHand(environmentId: string, items: readonly WriteItem<OnHandInput>[]): Promise<ItemOutcome[]> {
    return this.onHand.change(environmentId, items);
  }

  /** Counts for one data source (spec §2.6); see OnHandWrites.set. */
  setOnHand(
    environmentId: string,
    inventorySystem: string,
    items: readonly WriteItem<OnHandInput>[],
  ): Promise<ItemOutcome[]> {
    return this.onHand.set(environmentId, inventorySystem, items);
  }

  /**
   * Index query (spec §2.7.1 and §2.7.3): rows of one organization. `options` are Onhand extensions:
   * an answer as of a past moment (docs/feed.md), and consistency (docs/storefront.md).
   */
  async indexQuery(
    environmentId: string,
    input: IndexQueryInput,
    options: QueryOptions = {},
  ): Promise<OnHandRow[]> {
    const config = await this.environments.get(environmentId);
    return this.queries.run(environmentId, this.queries.indexPlan(config, input, 1), options);
  }

  /** Paged index query, Api-Version 2.0 (spec §2.7.2). */
  async indexQueryPage(
    environmentId: string,
    input: IndexQueryInput,
    pageNumber: number,
    pageSize: number,
    options: QueryOptions = {},
  ): Promise<Page> {
    const config = await this.environments.get(environmentId);
    const plan = this.queries.indexPlan(config, input, 2);
    const rows = await this.queries.run(environmentId, plan, options);
    return pageByWarehouse(rows, pageNumber, pageSize);
  }

  /** Exact query, v1 or v2 (spec §2.7.4). */
  async exactQuery(
    environmentId: string,
    input: ExactQueryInput,
    version: 1 | 2,
    options: QueryOptions = {},
  ): Promise<OnHandRow[]> {
    const config = await this.environments.get(environmentId);
    return this.queries.run(environmentId, this.queries.exactPlan(config, input, version), options);
  }

  /** Ledger entries after feed position `after`, in commit order (audit, replay). */
  async ledger(environmentId: string, after: number, limit: number): Promise<FeedRecord[]> {
    await this.environments.get(environmentId);
    // Every entry acknowledged before this request is in the answer (PostgreSQL stamps positions just
    // after commit); if the sequencer is slow, the entries it has not stamped come in a later page.
    await this.options.store.feed.settleAll(SETTLE_MS);
    return this.options.store.feed.read(environmentId, after, limit);
  }

  /** The service's clock (tokens, tickets and the feed's times read it). */
  get clock(): () => Date {
    return this.options.clock;
  }

  private get spanSize(): number {
    return this.options.feedSpanSize ?? SPAN_SIZE;
  }

  /** Stops background work and waits for queued writes to commit (graceful shutdown). */
  async drain(): Promise<void> {
    await Promise.all([this.expiry.stop(), this.rollover.stop(), this.checkpointer.stop()]);
    this.views.stop();
    const background = [this.expiry, this.rollover, this.checkpointer, this.webhookDispatcher];
    await Promise.all(background.map((work) => work.stop()));
    await Promise.all([
      this.expiry.stop(),
      this.rollover.stop(),
      this.checkpointer.stop(),
      this.jobRunner.stop(),
      this.adjustmentPoster.stop(),
      this.ociExportRetention.stop(),
    ]);
    await Promise.all([
      this.onHandWriter.drain(),
      this.reservationWriter.drain(),
      this.scheduleWriter.drain(),
      this.allocationWriter.drain(),
    ]);
    // Last, before the store is closed: the feed's reads in flight end (they would meet a closed pool).
    await this.feed.hub.stop();
  }
}

export type { WriteItem } from './write-item.js';
