import type { Answer } from '../api.js';
import { canonical } from '../checker/model.js';
import type { ItemOutcome } from '../history.js';
import { type ClientContext, loop } from './context.js';
import { OCI_GRAPH, OCI_SKUS, ociPath } from './oci-graph.js';

/** A create's outcome: 200 is an applied request (success or not, it takes the id); anything else a refusal. */
const createOutcome =
  (id: string) =>
  (status: number, body: unknown): ItemOutcome[] => {
    if (status === 200) {
      const { success } = body as { success?: boolean };
      return [{ id, status: success ? 'success' : 'partialSuccess', detail: canonical(body) }];
    }
    const code = (body as { detail?: unknown } | undefined)?.detail;
    return [{ id, status: 'failure', ...(typeof code === 'string' ? { code } : {}) }];
  };

/** The event id the ledger gives a movement record: its id with its SKU. */
export const movementId = (r: { id: string; sku: string }) => JSON.stringify([r.id, r.sku]);

/** A movement batch's outcomes: 204 every record applied; 200 the records in `errors` failed, the others applied. */
const movementOutcome =
  (records: readonly { id: string; sku: string }[]) =>
  (status: number, body: unknown): ItemOutcome[] => {
    if (status === 204) return records.map((r) => ({ id: movementId(r), status: 'success' }));
    if (status !== 200) return [];
    const errors = (body as { errors?: { details?: { id?: string; sku?: string }; errorCode?: string }[] })
      .errors;
    const failed = new Map(
      (errors ?? []).map((e) => [movementId({ id: e.details?.id ?? '', sku: e.details?.sku ?? '' }), e]),
    );
    return records.map((r) => {
      const e = failed.get(movementId(r));
      return e
        ? { id: movementId(r), status: 'failure', ...(e.errorCode ? { code: e.errorCode } : {}) }
        : { id: movementId(r), status: 'success' };
    });
  };

type Place = { group: string } | { location: string };

/** A reservation document this client made and where it asked for the stock. */
interface Document {
  readonly id: string;
  readonly sku: string;
  readonly place: Place;
}

/**
 * An order management system on the OCI API, racing the IV checkouts for the hot products at the places
 * of the soak's graph: reserves at a group (or a location) with an expiry, then transfers part of it to a
 * location, fulfils it there, releases it, or cancels the document; now and then counts a location's on
 * hand again or changes its safety stock. A quarter of its first attempts time out after a few
 * milliseconds and are retried with the same ids and body, as after a server fault.
 */
export async function runOciOrders(ctx: ClientContext, name = 'oci-orders'): Promise<void> {
  let n = 0;
  const open: Document[] = [];
  const impatient = () => (ctx.rng.chance(0.25) ? { firstTimeoutMs: ctx.rng.int(3, 60) } : {});
  const id = (what: string) => `${ctx.run}-${name}-${what}-${n}`;
  const movement = async (
    kind: 'releases' | 'fulfillments' | 'transfers',
    record: Record<string, unknown>,
  ) => {
    const r = record as { id: string; sku: string };
    return ctx.api.send({
      client: name,
      op: `oci.${kind}`,
      family: `oci-${kind === 'releases' ? 'release' : kind === 'fulfillments' ? 'fulfill' : 'transfer'}`,
      method: 'POST',
      path: ociPath(ctx.api, `reservation/v1/{org}/${kind}`),
      body: { records: [record] },
      ids: [movementId(r)],
      outcomes: movementOutcome([r]),
      ...impatient(),
    });
  };
  const locationOf = (place: Place): string =>
    'location' in place
      ? place.location
      : ctx.rng.pick(OCI_GRAPH.groups.find((g) => g.id === place.group)!.locations);
  await loop(
    ctx,
    () => ctx.rng.int(40, 200),
    async () => {
      n++;
      const roll = ctx.rng.next();
      const doc =
        open.length > 0 && roll >= 0.4 && roll < 0.92
          ? open.splice(ctx.rng.int(0, open.length - 1), 1)[0]
          : undefined;
      if (doc === undefined && roll < 0.92) {
        const sku = ctx.rng.pick(OCI_SKUS);
        const quantity = ctx.rng.int(1, 3);
        const atGroup = ctx.rng.chance(0.7);
        const place: Place = atGroup
          ? { group: ctx.rng.pick(OCI_GRAPH.groups).id }
          : { location: ctx.rng.pick(OCI_GRAPH.locations).id };
        const reservationId = id('r');
        const line = {
          id: 'group' in place ? place.group : place.location,
          reservations: [{ sku, quantity }],
        };
        const body = {
          expirationSeconds: ctx.rng.int(3, 12),
          ...(atGroup ? { groups: [line] } : { locations: [line], fulfillOnly: true }),
        };
        const answer = await ctx.api.send({
          client: name,
          op: 'oci.reserve',
          family: 'oci-reserve',
          method: 'PUT',
          path: ociPath(ctx.api, `reservation/v1/{org}/reservation-documents/${reservationId}`),
          body,
          ids: [reservationId],
          outcomes: createOutcome(reservationId),
          ...impatient(),
        });
        if (answer.items[0]?.status === 'success') open.push({ id: reservationId, sku, place });
        if (open.length > 12) open.shift();
        return;
      }
      if (doc !== undefined) {
        await followUp(doc);
        return;
      }
      // A count or a safety stock change at one location (an OCI batch-update record, applied whole).
      const location = ctx.rng.pick(OCI_GRAPH.locations).id;
      const sku = ctx.rng.pick(OCI_SKUS);
      const record = ctx.rng.chance(0.7)
        ? { id: id('count'), sku, location, onHand: ctx.rng.int(4, 10) }
        : {
            id: id('safety'),
            sku,
            location,
            onHand: ctx.rng.int(4, 10),
            safetyStockCount: ctx.rng.int(0, 3),
          };
      await ctx.api.send({
        client: name,
        op: 'oci.batch-update',
        method: 'POST',
        path: ociPath(ctx.api, 'availability/v1/{org}/availability-records/actions/batch-update'),
        body: { records: [record] },
        ...impatient(),
      });
    },
  );

  async function followUp(doc: Document): Promise<Answer> {
    const roll = ctx.rng.next();
    const quantity = 1;
    if ('group' in doc.place) {
      if (roll < 0.5) {
        // The order is routed to one of the group's locations.
        const to = locationOf(doc.place);
        const transfer = { id: id('t'), sku: doc.sku, quantity, from: doc.place, to: { location: to } };
        const answer = await movement('transfers', transfer);
        if (answer.items[0]?.status === 'success') open.push({ ...doc, place: { location: to } });
        return answer;
      }
    } else if (roll < 0.2) {
      const to = ctx.rng.pick(OCI_GRAPH.locations.filter((l) => l.id !== locationOf(doc.place))).id;
      const transfer = { id: id('t'), sku: doc.sku, quantity, from: doc.place, to: { location: to } };
      const answer = await movement('transfers', transfer);
      if (answer.items[0]?.status === 'success') open.push({ ...doc, place: { location: to } });
      return answer;
    } else if (roll < 0.55)
      return movement('fulfillments', {
        id: id('f'),
        sku: doc.sku,
        quantity,
        location: locationOf(doc.place),
      });
    if (roll < 0.75) return movement('releases', { id: id('u'), sku: doc.sku, quantity, ...doc.place });
    return ctx.api.send({
      client: name,
      op: 'oci.cancel',
      family: 'oci-cancel',
      method: 'PATCH',
      path: ociPath(ctx.api, `reservation/v1/{org}/reservation-documents/${doc.id}`),
      body: { status: 'CANCELLED' },
      ids: [doc.id],
      outcomes: (status, body) => [
        status === 204
          ? { id: doc.id, status: 'success' }
          : {
              id: doc.id,
              status: 'failure',
              ...(typeof (body as { detail?: unknown })?.detail === 'string'
                ? { code: (body as { detail: string }).detail }
                : {}),
            },
      ],
      ...impatient(),
    });
  }
}
