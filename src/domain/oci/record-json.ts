import { formatQty, type Qty } from '../quantity.js';
import type { GroupRecord, LocationRecord } from './availability.js';

/**
 * One JSON line of an availability export file (spec §4.4): a record with its quantities as JSON
 * numbers written digit for digit (exact decimals, never rounded through a double). Group records carry
 * `groupReserved` and `sharedGroupReserved`; `effectiveDate` only when known.
 */
export function recordLine(record: LocationRecord | GroupRecord): string {
  const q = (qty: Qty) => formatQty(qty);
  let line = `{"sku":${JSON.stringify(record.sku)},"onHand":${q(record.onHand)},"reserved":${q(record.reserved)}`;
  if ('groupReserved' in record)
    line += `,"groupReserved":${q(record.groupReserved)},"sharedGroupReserved":${q(record.sharedGroupReserved)}`;
  line += `,"atf":${q(record.atf)},"ato":${q(record.ato)},"safetyStockCount":${q(record.safetyStockCount)}`;
  if (record.effectiveDate !== undefined) line += `,"effectiveDate":${JSON.stringify(record.effectiveDate)}`;
  const futures = record.futures.map(
    (f) => `{"quantity":${q(f.quantity)},"expectedDate":${JSON.stringify(f.expectedDate)}}`,
  );
  return `${line},"futures":[${futures.join(',')}]}`;
}

/** A get-deltas record (spec §2.2): the place id, the SKU, `deltaType`, and the record's quantities. */
export interface DeltaRecord {
  readonly id: string;
  readonly sku: string;
  readonly deltaType: 'Change' | 'Delete';
  readonly onHand: Qty;
  readonly atf: Qty;
  readonly ato: Qty;
  readonly reserved: Qty;
  readonly safetyStockCount: Qty;
  readonly futures: LocationRecord['futures'];
  readonly effectiveDate?: string;
}

/** The delta of a place's current record: always a `Change` carrying every value. */
export function deltaOf(id: string, record: LocationRecord): DeltaRecord {
  return {
    id,
    sku: record.sku,
    deltaType: 'Change',
    onHand: record.onHand,
    atf: record.atf,
    ato: record.ato,
    reserved: record.reserved,
    safetyStockCount: record.safetyStockCount,
    futures: record.futures,
    ...(record.effectiveDate === undefined ? {} : { effectiveDate: record.effectiveDate }),
  };
}
