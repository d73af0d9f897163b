import { detail, type ErrorDetail, OnhandError } from '../codes.js';
import type { AttributeInput, ProductInput } from './product.js';

const PRODUCT_KEYS = [
  'productId',
  'productName',
  'productType',
  'productSearchName',
  'productDescription',
  'company',
  'inventoryUnitSymbol',
  'salesUnitSymbol',
  'purchaseUnitSymbol',
  'attributes',
] as const;
const ATTRIBUTE_KEYS = ['attributeName', 'attributeTypeName', 'attributeArea', 'value'] as const;

/**
 * A product read from a file (the `onhand products import` command): checks the JSON types the API's
 * schema checks, with keys matched case-insensitively, and returns it as a ProductInput for parseProduct.
 */
export function productFromJson(raw: unknown, path: string): ProductInput {
  const problems: ErrorDetail[] = [];
  const product = objectWith(raw, PRODUCT_KEYS, path, problems);
  const attributes = product.attributes;
  if (attributes !== undefined && !Array.isArray(attributes))
    problems.push(detail('invalid_type', `${path}/attributes`, 'Expected an array.'));
  const parsedAttributes = Array.isArray(attributes)
    ? attributes.map((a, i) => {
        const attribute = objectWith(a, ATTRIBUTE_KEYS, `${path}/attributes/${i}`, problems);
        const v = attribute.value;
        if (!['string', 'number', 'boolean'].includes(typeof v))
          problems.push(
            detail('invalid_type', `${path}/attributes/${i}/value`, 'Expected a string or number.'),
          );
        return attribute as unknown as AttributeInput;
      })
    : undefined;
  for (const key of PRODUCT_KEYS) {
    if (key === 'attributes') continue;
    const value = product[key];
    if (value === undefined && key === 'productId')
      problems.push(detail('missing_field', `${path}/productId`, 'This field is required.'));
    else if (value !== undefined && typeof value !== 'string')
      problems.push(detail('invalid_type', `${path}/${key}`, 'Expected a string.'));
  }
  if (problems.length > 0) {
    const first = problems[0] as ErrorDetail;
    throw new OnhandError(first.code, `${first.path}: ${first.message}`, problems);
  }
  return {
    ...product,
    ...(parsedAttributes ? { attributes: parsedAttributes } : {}),
  } as unknown as ProductInput;
}

/** The object's entries under the canonical spelling of `keys`; unknown keys and non-objects are problems. */
function objectWith(
  raw: unknown,
  keys: readonly string[],
  path: string,
  problems: ErrorDetail[],
): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(detail('invalid_type', path, 'Expected an object.'));
    return {};
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const known = keys.find((k) => k.toLowerCase() === key.toLowerCase());
    if (known === undefined) problems.push(detail('unknown_field', `${path}/${key}`, 'Unknown field.'));
    else out[known] = value;
  }
  if (keys.includes('attributeName') && typeof out.attributeName !== 'string')
    problems.push(detail('missing_field', `${path}/attributeName`, 'A string is required.'));
  return out;
}
