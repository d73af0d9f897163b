import type { Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import { OciAvailability } from './oci-availability.js';
import type { PostSchedules } from './oci-futures.js';
import { OciGraphs } from './oci-graphs.js';
import { OciRecords } from './oci-records.js';
import { OciSegmentation } from './oci-segmentation.js';
import { OciUpdates, type SetOnHand } from './oci-updates.js';

/** What the OCI face needs from the rest of the engine: the IV write paths. */
export interface OciDeps {
  readonly store: Store;
  readonly environments: Environments;
  readonly clock: () => Date;
  readonly setOnHand: SetOnHand;
  readonly postSchedules: PostSchedules;
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

  constructor(deps: OciDeps) {
    const { store, environments, clock } = deps;
    this.graphs = new OciGraphs(store, environments, clock);
    this.segmentation = new OciSegmentation(store, environments, this.graphs, clock);
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
  }
}
