import { fail } from '../codes.js';
import { attributeArea, type Product } from './product.js';

/**
 * The ProductAttributeQuery of product-search queries (spec §2.7.5): a product filter on the product's
 * own fields and an attribute filter on its attributes, both of which a product must pass. A filter
 * combines its conditions and sub-filters with `And` (the default) or `Or`; an empty filter passes
 * every product.
 */
export interface ProductSearchInput {
  readonly productFilter?: FilterInput<ProductConditionInput>;
  readonly attributeFilter?: FilterInput<AttributeConditionInput>;
}

export interface FilterInput<C> {
  readonly logicalOperator?: string;
  readonly conditions?: readonly C[];
  readonly subFilters?: readonly FilterInput<C>[];
}

/** A condition on one product field, e.g. `{ "conditionOperator": "Contains", "productName": ["Deluxe"] }`. */
export type ProductConditionInput = { readonly conditionOperator: string } & {
  readonly [field in ProductField]?: readonly string[];
};

export interface AttributeConditionInput {
  readonly attributeName: string;
  readonly attributeTypeName?: string;
  readonly attributeArea?: string;
  readonly attributeValues: readonly string[];
  readonly conditionOperator: string;
}

/** The product fields a product filter can test (spec §2.7.5; `company` is the spec's `Company`). */
export const PRODUCT_FIELDS = [
  'company',
  'itemNumber',
  'productSearchName',
  'productType',
  'productName',
  'productDescription',
  'inventoryUnitSymbol',
  'salesUnitSymbol',
  'purchaseUnitSymbol',
] as const;
export type ProductField = (typeof PRODUCT_FIELDS)[number];

/** The condition operators (spec §2.7.5), matched case-insensitively. */
export const OPERATORS = [
  'IsExactly',
  'IsNot',
  'Contains',
  'DoesNotContain',
  'BeginsWith',
  'IsOneOf',
  'GreaterEqual',
  'LessEqual',
  'Between',
] as const;
type Operator = (typeof OPERATORS)[number];

/** Deepest nesting of sub-filters, and most conditions in one query. */
export const MAX_FILTER_DEPTH = 8;
export const MAX_CONDITIONS = 100;

/** A checked product search: tells whether a product matches. */
export type ProductPredicate = (product: Product) => boolean;

/** Checks a ProductAttributeQuery (invalid_request with the path of the bad part) and compiles it. */
export function parseProductSearch(input: ProductSearchInput, path: string): ProductPredicate {
  const budget = { conditions: 0 };
  const products = input.productFilter
    ? compileFilter(input.productFilter, `${path}/productFilter`, 0, budget, productCondition)
    : () => true;
  const attributes = input.attributeFilter
    ? compileFilter(input.attributeFilter, `${path}/attributeFilter`, 0, budget, attributeCondition)
    : () => true;
  return (product) => products(product) && attributes(product);
}

function compileFilter<C>(
  filter: FilterInput<C>,
  path: string,
  depth: number,
  budget: { conditions: number },
  condition: (input: C, path: string) => ProductPredicate,
): ProductPredicate {
  if (depth >= MAX_FILTER_DEPTH)
    fail('invalid_request', path, `Sub-filters nest at most ${MAX_FILTER_DEPTH} levels deep.`);
  const operator = (filter.logicalOperator ?? 'And').toLowerCase();
  if (operator !== 'and' && operator !== 'or')
    fail('invalid_request', `${path}/logicalOperator`, 'Use "And" or "Or".');
  const conditions = filter.conditions ?? [];
  budget.conditions += conditions.length;
  if (budget.conditions > MAX_CONDITIONS)
    fail(
      'invalid_request',
      `${path}/conditions`,
      `A product search holds at most ${MAX_CONDITIONS} conditions.`,
    );
  const parts = [
    ...conditions.map((c, i) => condition(c, `${path}/conditions/${i}`)),
    ...(filter.subFilters ?? []).map((f, i) =>
      compileFilter(f, `${path}/subFilters/${i}`, depth + 1, budget, condition),
    ),
  ];
  return operator === 'and'
    ? (product) => parts.every((p) => p(product))
    : (product) => parts.length === 0 || parts.some((p) => p(product));
}

function productCondition(input: ProductConditionInput, path: string): ProductPredicate {
  const fields = PRODUCT_FIELDS.filter((f) => input[f] !== undefined);
  if (fields.length !== 1) {
    fail('invalid_request', path, `A product condition names exactly one of ${PRODUCT_FIELDS.join(', ')}.`);
  }
  const field = fields[0] as ProductField;
  const test = valueTest(input.conditionOperator, input[field] ?? [], path);
  return (product) => test([fieldValue(product, field)]);
}

function attributeCondition(input: AttributeConditionInput, path: string): ProductPredicate {
  const name = input.attributeName.trim().toLowerCase();
  const type = (input.attributeTypeName ?? '').trim().toLowerCase();
  const area = attributeArea(input.attributeArea ?? '', `${path}/attributeArea`);
  const test = valueTest(input.conditionOperator, input.attributeValues, path);
  return (product) =>
    test(
      product.attributes
        .filter(
          (a) =>
            a.attributeName.toLowerCase() === name &&
            (type === '' || a.attributeTypeName.toLowerCase() === type) &&
            (area === '' || a.attributeArea === area),
        )
        .map((a) => a.value),
    );
}

function fieldValue(product: Product, field: ProductField): string {
  return field === 'itemNumber' ? product.productId : product[field];
}

/**
 * The test of one condition over the values a product has for it (one for a field, any number for an
 * attribute): a positive operator passes when some value passes it; IsNot and DoesNotContain pass when
 * no value equals or contains any of the condition's values (so a product without the attribute passes).
 */
function valueTest(
  rawOperator: string,
  values: readonly string[],
  path: string,
): (have: string[]) => boolean {
  const operator = OPERATORS.find((o) => o.toLowerCase() === rawOperator.toLowerCase());
  if (!operator) fail('invalid_request', `${path}/conditionOperator`, `Use one of ${OPERATORS.join(', ')}.`);
  const wanted = values.map((v) => v.toLowerCase());
  const arity = operator === 'Between' ? 2 : operator === 'GreaterEqual' || operator === 'LessEqual' ? 1 : 0;
  if (wanted.length === 0 || (arity > 0 && wanted.length !== arity)) {
    fail(
      'invalid_request',
      path,
      `${operator} needs ${arity === 0 ? 'at least one value' : `${arity} value(s)`}.`,
    );
  }
  const one = (v: string) => passes(operator, v.toLowerCase(), wanted);
  if (operator === 'IsNot') return (have) => !have.some((v) => wanted.includes(v.toLowerCase()));
  if (operator === 'DoesNotContain')
    return (have) => !have.some((v) => wanted.some((w) => v.toLowerCase().includes(w)));
  return (have) => have.some(one);
}

function passes(operator: Operator, value: string, wanted: readonly string[]): boolean {
  const [low = '', high = ''] = wanted;
  switch (operator) {
    case 'Contains':
      return wanted.some((w) => value.includes(w));
    case 'BeginsWith':
      return wanted.some((w) => value.startsWith(w));
    case 'GreaterEqual':
      return compare(value, low) >= 0;
    case 'LessEqual':
      return compare(value, low) <= 0;
    case 'Between':
      return compare(value, low) >= 0 && compare(value, high) <= 0;
    default:
      return wanted.includes(value);
  }
}

/** Numbers as numbers when both sides are numeric, text otherwise (both lower-case). */
export function compare(a: string, b: string): number {
  const [x, y] = [Number(a), Number(b)];
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}
