import { detail, type ErrorDetail, OnhandError } from '../codes.js';
import { checkDimensionValue, checkId } from '../identifiers.js';

/** One attribute of a product (spec §2.7.5: attributeName, attributeTypeName, attributeArea). */
export interface ProductAttribute {
  readonly attributeName: string;
  readonly attributeTypeName: string;
  /** ProductAttribute, DimensionAttribute or BatchAttribute ("" when not given). */
  readonly attributeArea: string;
  /** The attribute's value as text; numbers compare as numbers when both sides are numeric. */
  readonly value: string;
}

/** A product of the catalogue: what the product filter and attribute filter of a product search test. */
export interface Product {
  /** The product id of stock and queries (the item number). */
  readonly productId: string;
  readonly productName: string;
  readonly productType: string;
  readonly productSearchName: string;
  readonly productDescription: string;
  /** The legal entity (company); "" when not given. */
  readonly company: string;
  readonly inventoryUnitSymbol: string;
  readonly salesUnitSymbol: string;
  readonly purchaseUnitSymbol: string;
  readonly attributes: readonly ProductAttribute[];
}

/** A product as a client sends it (after schema validation): productId required, the rest optional. */
export interface ProductInput {
  readonly productId: string;
  readonly productName?: string;
  readonly productType?: string;
  readonly productSearchName?: string;
  readonly productDescription?: string;
  readonly company?: string;
  readonly inventoryUnitSymbol?: string;
  readonly salesUnitSymbol?: string;
  readonly purchaseUnitSymbol?: string;
  readonly attributes?: readonly AttributeInput[];
}

export interface AttributeInput {
  readonly attributeName: string;
  readonly attributeTypeName?: string;
  readonly attributeArea?: string;
  readonly value: string | number | boolean;
}

/** The areas an attribute can belong to (spec §2.7.5). */
export const ATTRIBUTE_AREAS = ['ProductAttribute', 'DimensionAttribute', 'BatchAttribute'] as const;

/** Most attributes one product may carry. */
export const MAX_ATTRIBUTES = 200;

const TEXT_FIELDS = [
  'productName',
  'productType',
  'productSearchName',
  'productDescription',
  'company',
  'inventoryUnitSymbol',
  'salesUnitSymbol',
  'purchaseUnitSymbol',
] as const;

/**
 * Checks a product sent by a client and returns it complete (absent text fields ""). Attribute areas are
 * matched case-insensitively and trimmed (the vendor's own example sends " ProductAttribute"). Throws an
 * OnhandError listing every bad field, their paths under `path`.
 */
export function parseProduct(input: ProductInput, path: string): Product {
  const problems: ErrorDetail[] = [];
  const guard = <T>(fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch (error) {
      if (!(error instanceof OnhandError)) throw error;
      problems.push(...error.details);
      return fallback;
    }
  };
  const productId = guard(() => checkId(input.productId, `${path}/productId`), '');
  const text = Object.fromEntries(
    TEXT_FIELDS.map((field) => [
      field,
      guard(() => checkDimensionValue(input[field] ?? '', `${path}/${field}`), ''),
    ]),
  ) as Record<(typeof TEXT_FIELDS)[number], string>;
  const attributes = input.attributes ?? [];
  if (attributes.length > MAX_ATTRIBUTES)
    problems.push(detail('too_many_items', `${path}/attributes`, `At most ${MAX_ATTRIBUTES} attributes.`));
  const parsed = attributes.map((a, i) =>
    guard(() => parseAttribute(a, `${path}/attributes/${i}`), undefined),
  );
  if (problems.length > 0) {
    const first = problems[0] as ErrorDetail;
    throw new OnhandError(first.code, `${first.path}: ${first.message}`, problems);
  }
  return { productId, ...text, attributes: parsed.filter((a) => a !== undefined) };
}

function parseAttribute(input: AttributeInput, path: string): ProductAttribute {
  const attributeName = checkDimensionValue(input.attributeName, `${path}/attributeName`).trim();
  if (attributeName === '')
    throw new OnhandError('invalid_id', `${path}/attributeName: Must not be empty.`, [
      detail('invalid_id', `${path}/attributeName`, 'Must not be empty.'),
    ]);
  return {
    attributeName,
    attributeTypeName: checkDimensionValue(input.attributeTypeName ?? '', `${path}/attributeTypeName`).trim(),
    attributeArea: attributeArea(input.attributeArea ?? '', `${path}/attributeArea`),
    value: checkDimensionValue(String(input.value), `${path}/value`),
  };
}

/** The canonical spelling of an attribute area ("" stays ""); an unknown area is invalid_request. */
export function attributeArea(raw: string, path: string): string {
  const trimmed = raw.trim();
  if (trimmed === '') return '';
  const known = ATTRIBUTE_AREAS.find((a) => a.toLowerCase() === trimmed.toLowerCase());
  if (known) return known;
  const message = `Unknown attribute area "${trimmed}"; use ${ATTRIBUTE_AREAS.join(', ')}.`;
  throw new OnhandError('invalid_request', `${path}: ${message}`, [detail('invalid_request', path, message)]);
}
