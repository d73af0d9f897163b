/**
 * Base dimensions of Inventory Visibility and the canonical form of a dimension tuple.
 * Names are matched case-insensitively and kept lower-case internally; display casing is used in
 * query output for group-by dimensions.
 */

const CANONICAL: readonly string[] = [
  'BatchId',
  'ColorId',
  'ConfigId',
  ...Array.from({ length: 12 }, (_, i) => `CustomDimension${i + 1}`),
  ...Array.from({ length: 8 }, (_, i) => `ExtendedDimension${i + 1}`),
  'LicensePlateId',
  'LocationId',
  'SerialId',
  'SiteId',
  'SizeId',
  'StatusId',
  'StyleId',
  'VersionId',
  'WMSLocationId',
  'WMSPalletId',
];

const DISPLAY = new Map(CANONICAL.map((name) => [name.toLowerCase(), name]));

/** Aliases accepted for base dimensions: the docs' InventDimensionN spelling of CustomDimensionN. */
const ALIASES = new Map<string, string>(
  Array.from({ length: 12 }, (_, i) => [`inventdimension${i + 1}`, `customdimension${i + 1}`]),
);

/** The system dimension used to declare an index set without dimensions. */
export const EMPTY_DIMENSION = 'empty';

export const SITE = 'siteid';
export const LOCATION = 'locationid';

/** All base dimension names, lower-case. */
export const BASE_DIMENSIONS: ReadonlySet<string> = new Set(DISPLAY.keys());

/** Returns the lower-case base dimension for a name or alias, or undefined when it is not one. */
export function toBaseDimension(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (DISPLAY.has(lower)) return lower;
  return ALIASES.get(lower);
}

/** Display casing of a base dimension (`colorid` → `ColorId`). */
export function displayName(base: string): string {
  return DISPLAY.get(base) ?? base;
}

/**
 * A dimension tuple in canonical form: lower-case base dimension → value, only non-empty values,
 * keys in sorted order. Unspecified dimensions are "" (absent here) per spec §2.5.
 */
export type Dimensions = Readonly<Record<string, string>>;

/** Builds canonical Dimensions from resolved pairs, dropping empty values and sorting keys. */
export function canonicalDimensions(pairs: Iterable<readonly [string, string]>): Dimensions {
  const entries = [...pairs].filter(([, v]) => v !== '').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const out: Record<string, string> = {};
  for (const [k, v] of entries) out[k] = v;
  return out;
}

/** A stable, injective text key for a canonical tuple (JSON of the sorted object). */
export function dimensionsKey(dims: Dimensions): string {
  return JSON.stringify(dims);
}

/** Parses a key produced by dimensionsKey. */
export function parseDimensionsKey(key: string): Dimensions {
  return JSON.parse(key) as Dimensions;
}

/** Value of a dimension in a tuple, "" when unspecified. */
export function dimensionValue(dims: Dimensions, base: string): string {
  return dims[base] ?? '';
}
