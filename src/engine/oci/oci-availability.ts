import type { GroupReservations } from '../../domain/oci/availability.js';
import {
  type AvailabilityInput,
  type AvailabilityRequest,
  parseAvailabilityRequest,
} from '../../domain/oci/availability-request.js';
import type { LocationGraph, OciLocation } from '../../domain/oci/location-graph.js';
import { ociMeasures } from '../../domain/oci/oci-measures.js';
import type { Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import type { Feed } from '../feed/feed.js';
import { minPositionOf, TOKEN_WAIT_MS } from '../queries/read-position.js';
import type { Consistency } from '../reads/stock-views.js';
import { type AvailabilityAnswer, assembleAnswer, resolveRequest } from './oci-availability-answer.js';
import type { OciGraphs } from './oci-graphs.js';
import type { OciSegmentation } from './oci-segmentation.js';
import { readLocationStock } from './oci-stock.js';
import type { OciMemoryReads } from './reads/oci-memory-reads.js';

export { type AvailabilityAnswer, groupSkuKey } from './oci-availability-answer.js';

/**
 * The reservations seam of availability: the group-level reservations of each (group, SKU). Until group
 * reservations exist every group answers NO_GROUP_RESERVATIONS.
 */
export type GroupReservationReader = (
  environmentId: string,
  groupIds: readonly string[],
  skus: readonly string[],
) => Promise<ReadonlyMap<string, GroupReservations>>;

const NONE: GroupReservationReader = async () => new Map();

/** How fresh a get-availability answer must be (Onhand extensions, as on the IV queries; docs/oci.md). */
export interface AvailabilityReadOptions {
  /** `strict` (default) or `bounded` (Onhand-Consistency). */
  readonly consistency?: Consistency;
  /** A feed position or a commit token the answer must reflect (Onhand-Min-Position). */
  readonly minPosition?: string;
  /** Told the position the answer reflects (at least), for the Onhand-Position header. */
  readonly onPosition?: (position: number) => void;
}

/** OCI availability over the IV stock (docs/oci.md): get-availability of spec §2.1. */
export class OciAvailability {
  /** Answers from the in-memory state when the read views are on (engine.ts sets it). */
  memory: OciMemoryReads | undefined;
  /** get-availability answers served from memory, and from the database (metrics, tests). */
  readonly served = { memory: 0, database: 0 };

  constructor(
    private readonly store: Store,
    private readonly environments: Environments,
    private readonly graphs: OciGraphs,
    private readonly clock: () => Date,
    private readonly segmentation: OciSegmentation,
    private readonly feed?: Feed,
    /** Replaceable by the reservations work. */
    public groupReservations: GroupReservationReader = NONE,
  ) {}

  /**
   * get-availability (spec §2.1): the request validated and its limits applied; from the in-memory
   * state when it can answer as fresh as `options` ask (by default: every write acknowledged before the
   * call, on any server), otherwise from the database. Both give the same answer for the same state.
   */
  async get(
    environmentId: string,
    input: AvailabilityInput,
    options: AvailabilityReadOptions = {},
  ): Promise<AvailabilityAnswer> {
    const request = parseAvailabilityRequest(input);
    const minPosition = this.feed ? await minPositionOf(this.feed, options.minPosition) : undefined;
    if (this.memory) {
      const found = await this.memory.answer(environmentId, request, {
        consistency: options.consistency ?? 'strict',
        ...(minPosition === undefined ? {} : { minPosition }),
      });
      if (found) {
        this.served.memory += 1;
        options.onPosition?.(found.position);
        return found.answer;
      }
    }
    this.served.database += 1;
    // The database holds every committed write, so the answer reflects at least every position given
    // out before the read (PostgreSQL gives them just after commit: wait for those).
    const head = options.onPosition
      ? ((await this.store.feed.settleAll(TOKEN_WAIT_MS)) ?? (await this.store.feed.head()))
      : 0;
    const answer = await this.compute(environmentId, request);
    options.onPosition?.(Math.max(head, minPosition ?? 0));
    return answer;
  }

  /**
   * The availability of SKUs at places, read from the database, without the request limits (exports
   * and deltas use it with `{ kind: 'lists', skus, locations, groups }`). Unknown places throw
   * oci_unknown_location or oci_unknown_group; `unassigned` answers no groups.
   */
  async compute(environmentId: string, request: AvailabilityRequest): Promise<AvailabilityAnswer> {
    const config = await this.environments.get(environmentId);
    const measures = ociMeasures(config);
    const { graph } = await this.graphs.get(environmentId);
    const resolved = resolveRequest(graph, request);
    const { groupIds, groups } = resolved;
    const { skus } = request;
    const [stock, held, excluded] = await Promise.all([
      readLocationStock(this.store, environmentId, measures, skus, resolved.places, this.clock()),
      groups.length === 0 ? new Map() : this.groupReservations(environmentId, groupIds, skus),
      this.segmentation.excluded(environmentId, groupIds, skus),
    ]);
    return assembleAnswer(request, resolved, { stock, held, excluded });
  }
}

/** The graph's locations by id (shared by the write paths). */
export function locationIndex(graph: LocationGraph): Map<string, OciLocation> {
  return new Map(graph.locations.map((l) => [l.id, l]));
}
