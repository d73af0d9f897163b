import { OnhandError } from '../../domain/codes.js';
import type { CompiledConfiguration } from '../../domain/config/compiled-configuration.js';
import { lockKeyOf } from '../../domain/partition.js';
import {
  expiryFromTimestamp,
  expiryFromTtl,
  type ReserveInput,
  toReserveCommand,
} from '../../domain/reservation/reserve-command.js';
import {
  type OffsetInput,
  toOffsetCommand,
  toUnreserveCommand,
  type UnreserveInput,
} from '../../domain/reservation/unreserve-command.js';
import type { LedgerRecord, ReservationRecord, Store } from '../../store/store.js';
import type { Environments } from '../environments.js';
import type { ConfigurationGuard, GroupCommitter } from '../group-commit.js';
import type { OciPlaceOf } from '../oci/oci-iv-guard.js';
import { failureFromThrown, type ItemOutcome, reservationNotFound } from '../outcome.js';
import { requestHash } from '../request-hash.js';
import { withConfiguration } from '../with-configuration.js';
import { isUsableId, type WriteItem } from '../write-item.js';
import { InOrder } from './in-order.js';
import { withHistory } from './reservation-history.js';
import { ReservationIds } from './reservation-ids.js';
import { lockOf, type OciHold, type ReservationWork, scopeOf } from './reservation-work.js';

/** A reservation and its history, for GET …/onhand/reservations/{id}. */
export interface ReservationView extends ReservationRecord {
  readonly history: readonly LedgerRecord[];
}

/** Soft reservations (spec §2.8, §5): reserve, unreserve, offsets from the ERP, expiry and extension. */
export class Reservations {
  private readonly ids = new ReservationIds();
  private readonly ociTurns = new InOrder();
  /** What OCI holds back at a reserve's place (engine/oci/oci-iv-guard.ts; undefined without OCI). */
  ociHold = async (_env: string, _at: OciPlaceOf): Promise<OciHold | undefined> => undefined;

  constructor(
    private readonly store: Store,
    private readonly environments: Environments,
    private readonly clock: () => Date,
    private readonly writer: GroupCommitter<ReservationWork, ItemOutcome>,
    private readonly onExpiry: (expiresAt: string) => void = () => {},
  ) {}

  /** Reserve requests, one outcome per item in order. */
  async reserve(environmentId: string, items: readonly WriteItem<ReserveInput>[]): Promise<ItemOutcome[]> {
    const current = await this.environments.get(environmentId);
    const now = this.clock();
    const outcomes = await Promise.all(
      items.map(({ input, path, clientId = null }) =>
        this.submit(environmentId, current, 'reserve', input, path, clientId, (hash, config) => {
          const command = toReserveCommand(config, input, now, path);
          const scope = scopeOf(environmentId, command);
          return {
            kind: 'reserve',
            scope,
            recordedAt: now.toISOString(),
            clientId,
            path,
            config,
            command,
            hash,
            newReservationId: this.ids.next(
              now.getTime(),
              this.store.partitioned === true ? scope.partitionId : undefined,
            ),
          };
        }),
      ),
    );
    // Only committed reservations can expire: tell the scheduler after the commit.
    for (const outcome of outcomes) {
      const expiresAt = outcome.extra?.expiresAt;
      if (outcome.status === 'success' && !outcome.replayed && typeof expiresAt === 'string')
        this.onExpiry(expiresAt);
    }
    return outcomes;
  }

  /** Unreserve requests: each names a reservation, looked up first to find its partition. */
  async unreserve(
    environmentId: string,
    items: readonly WriteItem<UnreserveInput>[],
  ): Promise<ItemOutcome[]> {
    const current = await this.environments.get(environmentId);
    const now = this.clock().toISOString();
    // Lookups first (they answer in any order), then the items submitted in the order sent.
    const looked = await Promise.all(
      items.map(({ input }) =>
        isUsableId(input.reservationId)
          ? this.store.getReservation(environmentId, input.reservationId)
          : Promise.resolve(undefined),
      ),
    );
    return Promise.all(
      items.map(({ input, path, clientId = null }, i) => {
        const found = looked[i];
        return this.submit(environmentId, current, 'unreserve', input, path, clientId, (hash, config) => {
          const command = toUnreserveCommand(config, input, path);
          if (!found || found.organizationId !== command.organizationId) {
            throw new ReservationNotFound(command.eventId, command.reservationId);
          }
          const scope = scopeOf(environmentId, found);
          return { kind: 'unreserve', scope, recordedAt: now, clientId, path, command, hash };
        });
      }),
    );
  }

  /** Offsets from the ERP: an on-hand change and the release of the reservation it fulfils, atomically. */
  async offset(environmentId: string, items: readonly WriteItem<OffsetInput>[]): Promise<ItemOutcome[]> {
    const current = await this.environments.get(environmentId);
    const now = this.clock().toISOString();
    return Promise.all(
      items.map(({ input, path, clientId = null }) =>
        this.submit(environmentId, current, 'offset', input, path, clientId, (hash, config) => {
          const command = toOffsetCommand(config, input, path);
          return {
            kind: 'offset',
            scope: scopeOf(environmentId, command.change),
            recordedAt: now,
            clientId,
            path,
            command,
            hash,
          };
        }),
      ),
    );
  }

  /**
   * One reservation with its history; as it was at feed position `asOf` when given (from its ledger
   * entries up to there, reservation-history.ts): not found if it did not exist yet.
   */
  async get(environmentId: string, reservationId: string, asOf?: number): Promise<ReservationView> {
    await this.environments.get(environmentId);
    const found = isUsableId(reservationId)
      ? await this.store.getReservation(environmentId, reservationId)
      : undefined;
    const missing = () =>
      new OnhandError(
        'reservation_not_found',
        `Reservation ${reservationId} does not exist${asOf === undefined ? '' : ` as of position ${asOf}`}.`,
      );
    const then = found && (await withHistory(this.store, environmentId, found, asOf));
    if (!then) throw missing();
    return { ...then.record, history: then.history };
  }

  /** Moves the expiry of an open reservation (extension): give expiresAt or ttlSeconds. */
  async extend(
    environmentId: string,
    reservationId: string,
    request: { readonly expiresAt?: string; readonly ttlSeconds?: number },
    clientId: string | null = null,
  ): Promise<ItemOutcome> {
    await this.environments.get(environmentId);
    const now = this.clock();
    const found = isUsableId(reservationId)
      ? await this.store.getReservation(environmentId, reservationId)
      : undefined;
    if (!found)
      throw new OnhandError('reservation_not_found', `Reservation ${reservationId} does not exist.`);
    if ((request.expiresAt === undefined) === (request.ttlSeconds === undefined)) {
      throw new OnhandError('invalid_expiry', 'Give either expiresAt or ttlSeconds.');
    }
    const expiresAt =
      request.ttlSeconds !== undefined
        ? expiryFromTtl(request.ttlSeconds, now, '/ttlSeconds')
        : expiryFromTimestamp(request.expiresAt ?? '', now, '/expiresAt');
    const scope = scopeOf(environmentId, found);
    const work: ReservationWork = {
      kind: 'extend',
      scope,
      recordedAt: now.toISOString(),
      clientId,
      path: '',
      reservationId,
      expiresAt,
    };
    const outcome = await this.writer.submit(lockOf(scope), work);
    if (outcome.status === 'success') this.onExpiry(expiresAt);
    return outcome;
  }

  /**
   * Releases every reservation whose expiry has passed, in every environment (the batch writer does
   * the releasing; this only wakes the scopes that hold one). Returns how many were due.
   */
  async expireDue(limit = 500): Promise<number> {
    let total = 0;
    for (;;) {
      const due = await this.store.listDueReservations(this.clock().toISOString(), limit);
      if (due.length === 0) return total;
      total += due.length;
      const recordedAt = this.clock().toISOString();
      await Promise.all(
        due.map((r) => {
          const scope = scopeOf(r.environmentId, r);
          return this.writer.submit(lockOf(scope), {
            kind: 'expire',
            scope,
            recordedAt,
            path: '',
            reservationId: r.reservationId,
          });
        }),
      );
      if (due.length < limit) return total;
    }
  }

  /**
   * Builds and queues the work of one request item. The idempotency hash is taken from the request
   * as sent (requestHash). When validation fails, the item still goes through the writer as
   * `rejected`, so a retry of an event recorded earlier is answered with its first outcome even after
   * a configuration change; otherwise the failure is returned.
   */
  private submit(
    environmentId: string,
    current: CompiledConfiguration,
    family: 'reserve' | 'unreserve' | 'offset',
    input: { readonly id: string },
    path: string,
    clientId: string | null,
    build: (hash: string, config: CompiledConfiguration) => ReservationWork,
  ): Promise<ItemOutcome> {
    const hash = requestHash(input);
    return withConfiguration(
      this.environments,
      environmentId,
      (config, guard) =>
        this.submitWith(environmentId, family, input, path, clientId, () => build(hash, config), hash, guard),
      current,
    );
  }

  /** submit with one configuration: the work `build` gives, or the failure it throws (see submit). */
  private async submitWith(
    environmentId: string,
    family: 'reserve' | 'unreserve' | 'offset',
    input: { readonly id: string },
    path: string,
    clientId: string | null,
    build: () => ReservationWork,
    hash: string,
    guard: ConfigurationGuard,
  ): Promise<ItemOutcome> {
    let work: ReservationWork;
    try {
      work = build();
    } catch (error) {
      const outcome =
        error instanceof ReservationNotFound
          ? reservationNotFound(error.eventId, error.reservationId)
          : failureFromThrown(typeof input.id === 'string' ? input.id : '', error);
      if (!isUsableId(input.id)) return Promise.resolve(outcome);
      const scope = { environmentId, organizationId: '', productId: '', partitionId: '' };
      const rejected: ReservationWork = {
        kind: 'rejected',
        scope,
        recordedAt: this.clock().toISOString(),
        clientId,
        path,
        family,
        eventId: input.id,
        hash,
        outcome,
      };
      return this.writer.submit(lockKeyOf(environmentId, '', input.id, ''), rejected, guard);
    }
    if (work.kind === 'reserve') {
      const oci = await this.ociTurns.next(this.ociHold(environmentId, work.command));
      if (oci) work = { ...work, oci };
    }
    return this.writer.submit(lockOf(work.scope), work, guard);
  }
}

/** Thrown while building unreserve work for a reservation that does not exist. */
class ReservationNotFound extends Error {
  constructor(
    readonly eventId: string,
    readonly reservationId: string,
  ) {
    super(`Reservation ${reservationId} does not exist.`);
  }
}
