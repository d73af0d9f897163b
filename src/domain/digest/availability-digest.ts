/**
 * The canonical text of availability that a digest is computed over (docs/api.md, "Availability
 * digest"). The SDK's AvailabilityCache builds the same text from its memory, so a cache can tell
 * whether it holds exactly what the server holds at one position. Keep the two in step:
 * packages/client/src/digest.ts mirrors these rules and test/sdk checks them against each other.
 */

/** One value: a product at one level (its dimensions) and the measure's value there. */
export interface DigestItem {
  readonly productId: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** The value as a plain decimal string ("12", "0.5", "-3"). */
  readonly quantity: string;
}

/**
 * The dimensions as one canonical string: keys lower-case, empty values left out, sorted by key,
 * as a JSON array of [key, value] pairs.
 */
export function canonicalDimensions(dimensions: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(dimensions)
    .filter(([, value]) => value !== '')
    .map(([key, value]) => [key.toLowerCase(), value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(pairs);
}

/**
 * The canonical text: one line `productId TAB dimensions TAB quantity` per item whose quantity is not
 * zero (an absent row and a zero are the same availability), lines sorted (code-unit order) and joined
 * with a line feed.
 */
export function digestText(items: readonly DigestItem[]): string {
  return items
    .filter((item) => !/^-?0(\.0*)?$/.test(item.quantity))
    .map((item) => `${item.productId}\t${canonicalDimensions(item.dimensions)}\t${item.quantity}`)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .join('\n');
}

/** Splits "dataSource.measure" (e.g. "iv.availabletoreserve") into lower-case parts; undefined if malformed. */
export function parseMeasure(measure: string): { dataSource: string; measure: string } | undefined {
  const dot = measure.indexOf('.');
  if (dot <= 0 || dot === measure.length - 1) return undefined;
  return { dataSource: measure.slice(0, dot).toLowerCase(), measure: measure.slice(dot + 1).toLowerCase() };
}
