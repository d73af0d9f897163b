/**
 * The availability digest's canonical text (docs/api.md, "Availability digest"), as the server's
 * src/domain/digest/availability-digest.ts builds it: lines `productId TAB [[key,value],…] TAB quantity`
 * for values other than zero, dimension keys lower-case without empty values, sorted; lines sorted.
 */

/** One value of a cache: a product at one level and the measure there. */
export interface DigestItem {
  readonly productId: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly quantity: number;
}

/** The dimensions as the canonical string: lower-case keys, no empty values, sorted, as JSON pairs. */
export function canonicalDimensions(dimensions: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(dimensions)
    .filter(([, value]) => value !== '')
    .map(([key, value]) => [key.toLowerCase(), value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(pairs);
}

/** A quantity as the server writes it: a plain decimal of at most six places ("12", "0.5", "-3"). */
export function formatQuantity(value: number): string {
  const fixed = value.toFixed(6).replace(/\.?0+$/, '');
  return fixed === '-0' ? '0' : fixed;
}

/** The canonical text of `items`. */
export function digestText(items: readonly DigestItem[]): string {
  return items
    .map((item) => ({ ...item, text: formatQuantity(item.quantity) }))
    .filter((item) => item.text !== '0')
    .map((item) => `${item.productId}\t${canonicalDimensions(item.dimensions)}\t${item.text}`)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .join('\n');
}

/** SHA-256 of a text, hex (Web Crypto: browsers and Node 20+). */
export async function sha256Hex(text: string): Promise<string> {
  const bytes = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
