import type { AvailabilityRequest } from '../../../domain/oci/availability-request.js';
import type { LocationGraph } from '../../../domain/oci/location-graph.js';
import { ociMeasures } from '../../../domain/oci/oci-measures.js';
import type { Qty } from '../../../domain/quantity.js';
import { dateOf } from '../../../domain/schedule/schedule-date.js';
import type { SafetyStockRow } from '../../../store/oci/oci-store.js';
import type { Store } from '../../../store/store.js';
import type { Environments } from '../../environments.js';
import type { FeedChanges } from '../../reads/product-rows.js';
import type { StockViews, ViewReadOptions } from '../../reads/stock-views.js';
import {
  type AvailabilityAnswer,
  assembleAnswer,
  groupSkuKey,
  resolveRequest,
} from '../oci-availability-answer.js';
import { GRAPH_KIND, SAFETY_STOCK_KIND, SEGMENTATION_KIND } from '../oci-entries.js';
import type { OciGraphs } from '../oci-graphs.js';
import { groupLocksIn, groupReservationsOf, membersOf } from '../oci-group-reads.js';
import { StockFold, stockKey } from '../oci-stock.js';
import { OciAnswerCache } from './oci-answer-cache.js';
import { TrackedCache } from './tracked-cache.js';

const GRAPH = 'graph';

/**
 * OCI get-availability from memory (docs/oci.md, "Availability from memory"): the IV stock rows and
 * scheduled changes of the SKUs from the process's read views (engine/reads), and the location graph,
 * safety stock and product segmentation read once and kept until the change feed says they changed
 * (entries `oci.graph`, `oci.safetystock`, `oci.segmentation`; a configuration change, a partition
 * clean-up or a lost feed forget them all). The views' consistency check runs first, so the answer
 * reflects what the IV reads would (by default every write acknowledged before the call, on any
 * server). Answers undefined when the views cannot answer: the caller reads the database then.
 */
export class OciMemoryReads {
  readonly #graphs: TrackedCache<LocationGraph>;
  readonly #safety: TrackedCache<Qty>;
  readonly #excluded: TrackedCache<boolean>;
  readonly #answers: OciAnswerCache;

  constructor(
    private readonly store: Store,
    private readonly environments: Environments,
    private readonly graphs: OciGraphs,
    private readonly views: StockViews,
    private readonly clock: () => Date,
  ) {
    // The same bound as the views' rows, for each kind of value kept.
    this.#graphs = new TrackedCache(Math.max(1, Math.min(views.maxRows, 1000)));
    this.#safety = new TrackedCache(views.maxRows);
    this.#excluded = new TrackedCache(views.maxRows);
    // The answers kept: as many records, over every environment, as the views keep rows.
    this.#answers = new OciAnswerCache(views.maxRows);
    views.observe((environmentId, record) => this.follow(environmentId, record));
  }

  /** Values held, every environment and kind together (metrics, tests). */
  get size(): number {
    return this.#graphs.size + this.#safety.size + this.#excluded.size;
  }

  async answer(
    environmentId: string,
    request: AvailabilityRequest,
    options: ViewReadOptions,
  ): Promise<{ answer: AvailabilityAnswer; position: number } | undefined> {
    const view = await this.views.settled(environmentId, options);
    if (!view) return undefined;
    const position = view.position;
    const config = await this.environments.get(environmentId);
    const measures = ociMeasures(config);
    const graph = await this.graph(environmentId);
    const resolved = resolveRequest(graph, request);
    const { places, groups, groupIds } = resolved;
    const { skus } = request;
    const found =
      skus.length === 0 || places.length === 0
        ? { rows: [], schedule: [], stamp: '' }
        : await view.rows(
            {
              organizationIds: [...new Set(places.map((p) => p.iv.organizationId))],
              productIds: [...skus],
              siteIds: [...new Set(places.map((p) => p.iv.siteId))],
              locationIds: [...new Set(places.map((p) => p.iv.locationId))],
            },
            true,
          );
    if (!found) return undefined;
    const [safety, excluded] = await Promise.all([
      this.safetyStock(
        environmentId,
        skus,
        places.map((p) => p.id),
      ),
      this.exclusions(environmentId, groupIds, skus),
    ]);
    const today = dateOf(this.clock());
    // Equal stamps, equal answers: the products' versions, what was read besides, and the day.
    let stamp = `${found.stamp}|${today}|`;
    for (const row of safety) stamp += `${row.locationId}\u0000${row.sku}\u0000${row.quantity},`;
    stamp += `|${[...excluded].join(',')}`;
    const answer = this.#answers.answer(config, graph, request, stamp, () => {
      const fold = new StockFold(measures, places, today);
      fold.add(
        found.rows,
        found.schedule.filter((row) => row.date >= today),
        safety,
      );
      const held =
        groups.length === 0
          ? new Map()
          : groupReservationsOf(groups, skus, groupLocksIn(graph, membersOf(groups), found.rows));
      return assembleAnswer(request, resolved, { stock: fold.result(), held, excluded });
    });
    return { answer, position };
  }

  /** Forgets what an entry changed (called for every entry the views apply, in order). */
  private follow(environmentId: string, record: FeedChanges | null): void {
    const kind = record?.kind ?? '';
    if (
      record === null ||
      kind === GRAPH_KIND ||
      kind.startsWith('configuration.') ||
      kind === 'partition.cleanup'
    ) {
      this.#graphs.clear(environmentId);
      this.#safety.clear(environmentId);
      this.#excluded.clear(environmentId);
      return;
    }
    if (kind === SAFETY_STOCK_KIND) {
      const rows = listOf(record.request, 'rows');
      if (!rows) this.#safety.clear(environmentId);
      else
        for (const r of rows)
          this.#safety.touch(environmentId, stockKey(String(r.sku), String(r.locationId)));
    } else if (kind === SEGMENTATION_KIND) {
      const changes = listOf(record.request, 'changes');
      if (!changes) this.#excluded.clear(environmentId);
      else
        for (const c of changes)
          this.#excluded.touch(environmentId, groupSkuKey(String(c.groupId), String(c.sku)));
    }
  }

  private async graph(environmentId: string): Promise<LocationGraph> {
    const held = await this.#graphs.get(
      environmentId,
      [GRAPH],
      async () => new Map([[GRAPH, (await this.graphs.get(environmentId)).graph]]),
      { ivOrganizationId: '', locations: [], groups: [] } as unknown as LocationGraph,
    );
    return held.get(GRAPH) as LocationGraph;
  }

  private async safetyStock(
    environmentId: string,
    skus: readonly string[],
    locationIds: readonly string[],
  ): Promise<SafetyStockRow[]> {
    const pairs = skus.flatMap((sku) => locationIds.map((locationId) => ({ sku, locationId })));
    const keys = pairs.map((p) => stockKey(p.sku, p.locationId));
    const values = await this.#safety.get(
      environmentId,
      keys,
      async (missing) => {
        const wanted = new Set(missing);
        const rows = await this.store.oci.readSafetyStock(
          environmentId,
          [...new Set(skus)],
          [...new Set(locationIds)],
        );
        const out = new Map<string, Qty>();
        for (const row of rows) {
          const key = stockKey(row.sku, row.locationId);
          if (wanted.has(key)) out.set(key, row.quantity);
        }
        return out;
      },
      0n,
    );
    const rows: SafetyStockRow[] = [];
    pairs.forEach(({ sku, locationId }, i) => {
      const quantity = values.get(keys[i] as string) ?? 0n;
      if (quantity !== 0n) rows.push({ sku, locationId, quantity });
    });
    return rows;
  }

  private async exclusions(
    environmentId: string,
    groupIds: readonly string[],
    skus: readonly string[],
  ): Promise<Set<string>> {
    if (groupIds.length === 0 || skus.length === 0) return new Set();
    const keys = groupIds.flatMap((g) => skus.map((sku) => groupSkuKey(g, sku)));
    const values = await this.#excluded.get(
      environmentId,
      keys,
      async () => {
        const rows = await this.store.oci.readExclusions(environmentId, groupIds, skus);
        return new Map(rows.map((r) => [groupSkuKey(r.groupId, r.sku), true]));
      },
      false,
    );
    return new Set(keys.filter((key) => values.get(key) === true));
  }
}

/** `request[name]` when it is a list of objects (the OCI entries' shape), else undefined. */
function listOf(request: unknown, name: string): Record<string, unknown>[] | undefined {
  const list = (request as Record<string, unknown> | null | undefined)?.[name];
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'object' && item !== null))
    return undefined;
  return list as Record<string, unknown>[];
}
