import { formatQty, parseQty, type Qty } from '../../quantity.js';

/** A place of a reservation line or action. */
export type PlaceRef = { readonly location: string } | { readonly group: string };

/** One action of a reservation line (spec §4.6 `reservationDetailActions`). */
export interface DetailAction {
  readonly requestId: string;
  readonly externalRefId?: string;
  readonly quantity: number;
  readonly action: 'Reserved' | 'Released' | 'Fulfilled' | 'Moved' | 'Cancelled' | 'Expired';
  readonly location?: string;
  readonly group?: string;
  readonly from?: PlaceRef;
  readonly to?: PlaceRef;
  /** Milliseconds since the epoch, as a string (the specification's example). */
  readonly timestamp: string;
}

/** One line of a reservation document: a SKU at a place, the quantity reserved, what happened to it. */
export type DetailLine = PlaceRef & {
  readonly sku: string;
  readonly quantity: number;
  readonly reservationDetailActions: DetailAction[];
};

/** One reservation document of the export file (one JSON line). */
export interface ExportedReservation {
  readonly reservationId: string;
  readonly externalRefId?: string;
  /** Milliseconds since the epoch. */
  readonly reservationTime: number;
  readonly reservationState: 'OPEN' | 'CLOSED';
  readonly reservationDetails: DetailLine[];
}

/** Places and lines of the reservations export's documents (reservation-documents.ts). */

export type Json = Record<string, unknown>;
export const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const qty = (v: unknown): Qty =>
  typeof v === 'string' || typeof v === 'number' ? parseQty(String(v), '') : 0n;
export const num = (q: Qty) => Number(formatQty(q));
export const ms = (iso: string) => String(Date.parse(iso));

export function placeRef(value: unknown): PlaceRef | undefined {
  const v = obj(value);
  if (typeof v.location === 'string') return { location: v.location };
  if (typeof v.group === 'string') return { group: v.group };
  return undefined;
}

export function placeOf(line: DetailLine): PlaceRef {
  return 'group' in line ? { group: line.group } : { location: line.location };
}

export const samePlace = (a: PlaceRef, b: PlaceRef) =>
  'group' in a ? 'group' in b && a.group === b.group : 'location' in b && a.location === b.location;

/** The line of a SKU at a place, else the SKU's first line. */
export function lineOf(
  doc: { readonly lines: DetailLine[] },
  sku: string | undefined,
  place: PlaceRef | undefined,
): DetailLine | undefined {
  const ofSku = doc.lines.filter((l) => l.sku === sku);
  return (place && ofSku.find((l) => samePlace(placeOf(l), place))) ?? ofSku[0];
}
