import type { Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import { OciAvailability } from './oci-availability.js';
import type { PostSchedules } from './oci-futures.js';
import { OciGraphs } from './oci-graphs.js';
import { groupDependents, groupReservationReader } from './oci-group-reads.js';
import { OciMovements } from './oci-movements.js';
import { OciRecords } from './oci-records.js';
import { OciReservationDocuments } from './oci-reservations.js';
import { OciRunner } from './oci-run.js';
import { OciSegmentation } from './oci-segmentation.js';
import { OciUpdates, type SetOnHand } from './oci-updates.js';

/** What the OCI face needs from the rest of the engine: the IV write paths. */
export interface OciDeps {
  readonly store: Store;
  readonly environments: Environments;
  readonly clock: () => Date;
  readonly setOnHand: SetOnHand;
  readonly postSchedules: PostSchedules;
  /** Tells the expiry scheduler about a reservation that expires (after its commit). */
  readonly onExpiry?: (expiresAt: string) => void;
}

/**
 * The Omnichannel Inventory face of the engine (docs/oci.md): the location graph, availability over
 * the IV stock, availability writes through the IV write paths, single records and product
 * segmentation. Seams for group reservations: `graphs.dependents`, `availability.groupReservations`.
 */
export class Oci {
  readonly graphs: OciGraphs;
  readonly availability: OciAvailability;
  readonly updates: OciUpdates;
  readonly records: OciRecords;
  readonly segmentation: OciSegmentation;
  /** Reservation documents: create and cancel (spec §3.1, §3.2). */
  readonly reservations: OciReservationDocuments;
  /** Releases, fulfillments and transfers (spec §3.3–§3.5). */
  readonly movements: OciMovements;

  constructor(deps: OciDeps) {
    const { store, environments, clock } = deps;
    this.graphs = new OciGraphs(store, environments, clock);
    this.segmentation = new OciSegmentation(store, environments, this.graphs);
    this.availability = new OciAvailability(store, environments, this.graphs, clock, this.segmentation);
    this.updates = new OciUpdates(
      store,
      environments,
      this.graphs,
      clock,
      deps.setOnHand,
      deps.postSchedules,
    );
    this.records = new OciRecords(store, environments, this.graphs, this.updates, clock);
    const runner = new OciRunner(store, environments, this.graphs, clock);
    this.reservations = new OciReservationDocuments(store, runner, deps.onExpiry ?? (() => {}));
    this.movements = new OciMovements(runner);
    this.availability.groupReservations = groupReservationReader(store, this.graphs);
    this.graphs.dependents = groupDependents(store, this.graphs);
  }
}
