import { fail } from '../../domain/codes.js';
import {
  emptyGraph,
  type LocationGraph,
  type LocationGraphInput,
  parseLocationGraph,
  removedGroups,
} from '../../domain/oci/location-graph.js';
import type { OciGraphRecord } from '../../store/oci/oci-store.js';
import type { Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import { GRAPH_KIND, OCI_FAMILY } from './oci-entries.js';

/**
 * The reservations seam of a graph replacement: which of the groups a new graph drops still have open
 * reservations (none until group reservations exist). A graph that drops such a group is refused with
 * oci_group_in_use.
 */
export type GroupDependents = (
  environmentId: string,
  groupIds: readonly string[],
) => Promise<readonly string[]>;

function refuseUsed(used: readonly string[]): never {
  return fail('oci_group_in_use', '/groups', `Open reservations depend on group(s) ${used.join(', ')}.`);
}

const NO_DEPENDENTS: GroupDependents = async () => [];

/** Rolls back a replacement that did not apply (PostgreSQL may have inserted the head row). */
class NotReplaced extends Error {
  constructor(readonly answer: false | { inUse: string[] }) {
    super('the graph was not replaced');
  }
}
/** How often a replacement re-reads the graph when another replacement committed in between. */
const ATTEMPTS = 5;

/** The location graph of each environment (docs/oci.md, "Locations and groups"). */
export class OciGraphs {
  constructor(
    private readonly store: Store,
    private readonly environments: Environments,
    private readonly clock: () => Date,
    /** Replaceable by the reservations work (engine/oci, OciGraphs.dependents). */
    public dependents: GroupDependents = NO_DEPENDENTS,
  ) {}

  /** The graph of an environment: version 0 and empty before the first upload. */
  async get(environmentId: string): Promise<OciGraphRecord> {
    await this.environments.get(environmentId);
    return (
      (await this.store.oci.getGraph(environmentId)) ?? { graph: emptyGraph(), version: 0, updatedAt: '' }
    );
  }

  /**
   * Replaces the whole graph (validated by parseLocationGraph), atomically, unless it drops a group
   * that reservations depend on. Safety stock and record outcomes stay with their location ids.
   */
  async replace(environmentId: string, input: LocationGraphInput): Promise<OciGraphRecord> {
    await this.environments.get(environmentId);
    const graph = parseLocationGraph(input);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const current = await this.get(environmentId);
      await this.checkDependents(environmentId, current.graph, graph);
      const updatedAt = this.clock().toISOString();
      const removed = removedGroups(current.graph, graph);
      const done = await this.replaceRecorded(environmentId, graph, current.version, updatedAt, removed);
      if (typeof done === 'object') refuseUsed(done.inUse);
      if (done) return { graph, version: current.version + 1, updatedAt };
    }
    return fail('configuration_version_conflict', '', 'The location graph kept changing; send it again.');
  }

  /**
   * Replaces the graph and appends its ledger entry (kind `oci.graph`, no changes) in one transaction:
   * every follower of the change feed learns of the replacement in order, and takes a new snapshot
   * (which locations a group holds, and which IV place a location stands for, may have changed).
   */
  private async replaceRecorded(
    environmentId: string,
    graph: LocationGraph,
    expectedVersion: number,
    updatedAt: string,
    removed: readonly string[],
  ): Promise<boolean | { inUse: string[] }> {
    try {
      return await this.store.transaction([`${environmentId}~oci-graph`], async (tx) => {
        const done = await tx.oci.replaceGraph(environmentId, graph, expectedVersion, updatedAt, removed);
        if (done !== true) throw new NotReplaced(done);
        const version = expectedVersion + 1;
        await tx.appendLedger([
          {
            environmentId,
            partitionId: '',
            family: OCI_FAMILY,
            eventId: null,
            bodyHash: '',
            kind: GRAPH_KIND,
            recordedAt: updatedAt,
            request: {
              ociGraphVersion: version,
              locations: graph.locations.length,
              groups: graph.groups.length,
            },
            outcome: { ociGraphVersion: version },
            changes: [],
            // The graph's version as its export names it (`graph-2`), so feed followers see which.
            reference: `graph-${version}`,
          },
        ]);
        return true;
      });
    } catch (error) {
      if (error instanceof NotReplaced) return error.answer;
      throw error;
    }
  }

  private async checkDependents(environmentId: string, previous: LocationGraph, next: LocationGraph) {
    const removed = removedGroups(previous, next);
    if (removed.length === 0) return;
    const used = await this.dependents(environmentId, removed);
    if (used.length > 0) refuseUsed(used);
  }
}
