import { formatQty, parseQty } from '../../../src/domain/quantity.js';
import { lockKeyOf, type OldChange, requestHash } from '../../fixtures/ledger-v1/old-server.js';

/*
 * What a server of the previous release derived from an on-hand change or count before writing it (its
 * engine, not its statements): the normalised request it stored, the body hash, the lock key, and the
 * stock rows and changes of the write. Written for this test, not copied: it gives what that release
 * stored for these bodies (the request shape of the ledger-v1 fixtures it wrote), for changes and
 * counts of one data source only (rolling-upgrade.test.ts checks it against the fixtures). The body hash
 * and lock key are that release's own functions, and the statements that write all this are in the
 * fixture (test/fixtures/ledger-v1/old-server.ts).
 */

/** An on-hand change or count body as a client sends it (one data source). */
export interface OldBody {
  readonly id: string;
  readonly organizationId: string;
  readonly productId: string;
  readonly dimensions: Record<string, string>;
  readonly quantities: Record<string, Record<string, number>>;
  readonly modifiedDateTimeUTC?: string;
}

export type OldKind = 'onhand.change' | 'onhand.set';

const FAMILY: Record<OldKind, string> = { 'onhand.change': 'onhand', 'onhand.set': 'setonhand' };

/** What the old release derived from a body before writing: the stored request and the rows touched. */
export function planOf(env: string, kind: OldKind, body: OldBody) {
  const dimensions = Object.fromEntries(
    Object.entries(body.dimensions)
      .map(([k, v]) => [k.toLowerCase(), v] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  const partitionId = [body.organizationId, dimensions.siteid ?? '', dimensions.locationid ?? ''].join('~');
  const values = Object.entries(body.quantities).flatMap(([dataSource, measures]) =>
    Object.entries(measures).map(([measure, v]) => ({ dataSource, measure, value: parseQty(v, '') })),
  );
  const countedAt = kind === 'onhand.set' ? new Date(body.modifiedDateTimeUTC ?? 0).toISOString() : null;
  const request = {
    kind,
    eventId: body.id,
    organizationId: body.organizationId,
    productId: body.productId,
    dimensions,
    partitionId,
    values: values.map((v) => ({ dataSource: v.dataSource, measure: v.measure, value: formatQty(v.value) })),
    countedAt,
  };
  return {
    env,
    family: FAMILY[kind],
    set: kind === 'onhand.set',
    dimensions,
    dims: JSON.stringify(dimensions),
    partitionId,
    values,
    countedAt,
    lockKey: lockKeyOf(env, body.organizationId, body.productId, partitionId),
    entry: {
      environmentId: env,
      partitionId,
      family: FAMILY[kind],
      eventId: body.id,
      bodyHash: requestHash(body),
      kind,
      recordedAt: new Date().toISOString(),
      request,
      outcome: { id: body.id, status: 'success', message: '' },
      reference: null,
      clientId: null,
    },
    body,
  };
}

export type Plan = ReturnType<typeof planOf>;

/** The stock rows after the write and the changes it made, from the rows read (quantity by measure). */
export function apply(plan: Plan, before: Map<string, bigint>) {
  const changes: OldChange[] = [];
  const rows = plan.values.map((v) => {
    const old = before.get(`${v.dataSource}|${v.measure}`);
    const quantity = plan.set ? v.value : (old ?? 0n) + v.value;
    changes.push({
      organizationId: plan.body.organizationId,
      productId: plan.body.productId,
      dimensions: plan.dimensions,
      dataSource: v.dataSource,
      measure: v.measure,
      delta: quantity - (old ?? 0n),
      ...(old === undefined ? { created: true } : {}),
    });
    return { ...v, quantity };
  });
  return { rows, changes };
}
