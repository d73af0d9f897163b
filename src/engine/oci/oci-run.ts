import { fail } from '../../domain/codes.js';
import type { CompiledConfiguration } from '../../domain/config/compiled-configuration.js';
import type { LocationGraph } from '../../domain/oci/location-graph.js';
import { type OciMeasures, ociMeasures } from '../../domain/oci/oci-measures.js';
import type { Qty } from '../../domain/quantity.js';
import type { LedgerEntry, Store, StoreTx } from '../../store/store.js';
import type { Environments } from '../environments.js';
import { ConfigurationMoved } from '../group-commit.js';
import { expireDue } from '../reservations/expire-due.js';
import { withConfiguration } from '../with-configuration.js';
import type { OciGraphs } from './oci-graphs.js';
import { OciScopes, type OciSlot, slotLock, slotOf } from './oci-scope.js';

/** What an OCI reservation operation works with inside its transaction. */
export interface OciContext {
  readonly environmentId: string;
  readonly config: CompiledConfiguration;
  readonly measures: OciMeasures;
  readonly graph: LocationGraph;
  readonly scopes: OciScopes;
  readonly tx: StoreTx;
  readonly now: Date;
  /** Appends the ledger entries of what the operation changed so far (one per IV scope). */
  record(
    entry: Pick<
      LedgerEntry,
      'kind' | 'family' | 'eventId' | 'bodyHash' | 'request' | 'outcome' | 'reference'
    >,
  ): void;
}

/** What an operation needs before its transaction: the slots it touches and the records it names. */
export interface OciPlan {
  readonly slots: readonly { sku: string; locationId: string }[];
  readonly named?: readonly string[];
  /** Further lock keys (the reservation id's). */
  readonly locks?: readonly string[];
}

/**
 * Runs an OCI reservation operation in ONE transaction holding the lock keys of every IV scope it
 * touches (sorted, so two operations on overlapping places never deadlock, and on PostgreSQL the same
 * advisory locks as the IV writers take), under the environment's configuration (held shared and
 * checked, like every IV write) and the graph version it was planned with. Reservations due to expire
 * in those scopes are released first; the ScopeStates' changes are written and recorded in the ledger.
 */
export class OciRunner {
  constructor(
    private readonly store: Store,
    private readonly environments: Environments,
    private readonly graphs: OciGraphs,
    private readonly clock: () => Date,
  ) {}

  async run<T>(
    environmentId: string,
    plan: (graph: LocationGraph, config: CompiledConfiguration) => OciPlan | Promise<OciPlan>,
    apply: (ctx: OciContext) => T | Promise<T>,
  ): Promise<T> {
    return withConfiguration(this.environments, environmentId, async (config, guard) => {
      const measures = ociMeasures(config);
      for (let attempt = 1; ; attempt++) {
        const { graph, version } = await this.graphs.get(environmentId);
        const wanted = await plan(graph, config);
        const slots = dedupe(wanted.slots).map((s) =>
          slotOf(environmentId, config, graph, s.sku, s.locationId),
        );
        const locks = [...new Set([...slots.map(slotLock), ...(wanted.locks ?? [])])].sort();
        const result = await this.store.transaction(locks, async (tx) => {
          const versions = await tx.lockConfigurations([environmentId], 'shared');
          if (versions.get(environmentId) !== guard.version) throw new ConfigurationMoved(environmentId);
          // Planned with this graph: a replacement waits for this transaction, or went first (plan again).
          if ((await tx.ociGraphVersion(environmentId)) !== version) return MOVED;
          const now = this.clock();
          // Read under the slots' lock keys, which safety stock writes take too: it cannot change before commit.
          const safety = await safetyOf(tx, environmentId, slots);
          const scopes = await OciScopes.load(
            tx,
            environmentId,
            slots,
            measures,
            safety,
            wanted.named ?? [],
            now,
          );
          const ledger: LedgerEntry[] = [];
          for (const state of scopes.allStates()) expireDue(state, now.toISOString(), ledger);
          for (const state of scopes.allStates()) state.begin();
          const ctx: OciContext = {
            environmentId,
            config,
            measures,
            graph,
            scopes,
            tx,
            now,
            record: (entry) => {
              const states = scopes.allStates();
              const changed = states.filter((s) => s.changes().length > 0);
              for (const [i, state] of (changed.length > 0 ? changed : states.slice(0, 1)).entries()) {
                ledger.push({
                  environmentId,
                  partitionId: state.scope.partitionId,
                  recordedAt: now.toISOString(),
                  clientId: null,
                  ...entry,
                  // The first entry carries the request and its event id; the others only their changes.
                  ...(i === 0 ? {} : { eventId: null, bodyHash: '', request: null, family: 'oci' }),
                  changes: [...state.changes()],
                });
              }
              for (const state of states) state.begin();
            },
          };
          const value = await apply(ctx);
          for (const state of scopes.allStates()) await state.flush(tx);
          if (ledger.length > 0) await tx.appendLedger(ledger);
          return { value };
        });
        if (result !== MOVED) return result.value;
        if (attempt >= 5)
          fail(
            'configuration_version_conflict',
            '',
            'The location graph kept changing; send the request again.',
          );
      }
    });
  }
}

async function safetyOf(
  tx: StoreTx,
  environmentId: string,
  slots: readonly OciSlot[],
): Promise<Map<string, Qty>> {
  const rows = await tx.oci.readSafetyStock(
    environmentId,
    [...new Set(slots.map((s) => s.sku))],
    [...new Set(slots.map((s) => s.locationId))],
  );
  return new Map(rows.map((r) => [`${r.locationId}\u0000${r.sku}`, r.quantity]));
}

const MOVED = Symbol('graph moved');

function dedupe(slots: readonly { sku: string; locationId: string }[]) {
  const seen = new Map<string, { sku: string; locationId: string }>();
  for (const s of slots) seen.set(`${s.locationId}\u0000${s.sku}`, s);
  return [...seen.values()];
}
