import type { Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import type { Feed } from '../feed/feed.js';
import type { Jobs } from '../jobs/jobs.js';
import type { StockViews } from '../reads/stock-views.js';
import { OciAuditExports } from './exports/audit-exports.js';
import { OciAvailability } from './oci-availability.js';
import { OciDeltas } from './oci-deltas.js';
import { OciExports } from './oci-exports.js';
import { OciGraphs } from './oci-graphs.js';
import { groupDependents, groupReservationReader } from './oci-group-reads.js';
import { OciMovements } from './oci-movements.js';
import { OciRecords } from './oci-records.js';
import { OciReservationUpdates } from './oci-reservation-updates.js';
import { OciReservationDocuments } from './oci-reservations.js';
import { OciRunner } from './oci-run.js';
import { OciSegmentation } from './oci-segmentation.js';
import { OciUpdates } from './oci-updates.js';
import { OciMemoryReads } from './reads/oci-memory-reads.js';

/** What the OCI face needs from the rest of the engine: the IV write paths. */
export interface OciDeps {
  readonly store: Store;
  readonly environments: Environments;
  readonly clock: () => Date;
  /** Where unexpected errors of a write go (they fail the record only). */
  readonly report: (error: unknown) => void;
  /** The change feed (exports take a snapshot at a position, get-deltas follows it from there). */
  readonly feed: Feed;
  /** The jobs service (exports are jobs); a function, as the jobs are made after the OCI face. */
  readonly jobs: () => Jobs;
  /** Tells the expiry scheduler about a reservation that expires (after its commit). */
  readonly onExpiry?: (expiresAt: string) => void;
  /** The in-memory read views: get-availability answers from them when they are on. */
  readonly views?: StockViews;
}

/**
 * The Omnichannel Inventory face of the engine (docs/oci.md): the location graph, availability over
 * the IV stock, availability writes through the IV write paths, single records and product
 * segmentation, availability exports (jobs) and get-deltas over the change feed. Seams for group reservations: `graphs.dependents`, `availability.groupReservations`.
 */
export class Oci {
  readonly graphs: OciGraphs;
  readonly availability: OciAvailability;
  readonly updates: OciUpdates;
  readonly records: OciRecords;
  readonly segmentation: OciSegmentation;
  readonly exports: OciExports;
  readonly deltas: OciDeltas;
  /** The reservations and event log exports (spec §4.5, §4.6). */
  readonly auditExports: OciAuditExports;
  /** Reservation documents: create and cancel (spec §3.1, §3.2). */
  readonly reservations: OciReservationDocuments;
  /** Releases, fulfillments and transfers (spec §3.3–§3.5). */
  readonly movements: OciMovements;
  /** Updates of reservation documents (Connect `reservation/actions/update`). */
  readonly reservationUpdates: OciReservationUpdates;

  constructor(deps: OciDeps) {
    const { store, environments, clock } = deps;
    this.graphs = new OciGraphs(store, environments, clock);
    this.segmentation = new OciSegmentation(store, environments, this.graphs, clock);
    this.availability = new OciAvailability(
      store,
      environments,
      this.graphs,
      clock,
      this.segmentation,
      deps.feed,
    );
    if (deps.views?.enabled)
      this.availability.memory = new OciMemoryReads(store, environments, this.graphs, deps.views, clock);
    this.updates = new OciUpdates(store, environments, this.graphs, clock, deps.report);
    this.records = new OciRecords(store, environments, this.graphs, this.updates, clock);
    this.exports = new OciExports(
      store,
      environments,
      this.graphs,
      this.availability,
      this.segmentation,
      deps.feed,
      deps.jobs,
      clock,
    );
    this.auditExports = new OciAuditExports(store, environments, this.graphs, deps.jobs, clock);
    this.deltas = new OciDeltas(store, environments, this.graphs, this.availability, deps.feed);
    const runner = new OciRunner(store, environments, this.graphs, clock);
    this.reservations = new OciReservationDocuments(store, runner, deps.onExpiry ?? (() => {}));
    this.movements = new OciMovements(runner);
    this.reservationUpdates = new OciReservationUpdates(store, runner, deps.onExpiry ?? (() => {}));
    this.availability.groupReservations = groupReservationReader(store, this.graphs);
    this.graphs.dependents = groupDependents(store, this.graphs);
  }
}
