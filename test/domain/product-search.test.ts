import { describe, expect, it } from 'vitest';
import type { Product } from '../../src/domain/catalogue/product.js';
import {
  compare,
  type ProductSearchInput,
  parseProductSearch,
} from '../../src/domain/catalogue/product-search.js';

const product = (fields: Partial<Product>): Product => ({
  productId: 'P-1',
  productName: 'Deluxe bike',
  productType: 'Item',
  productSearchName: '',
  productDescription: '',
  company: 'usmf',
  inventoryUnitSymbol: 'ea',
  salesUnitSymbol: 'ea',
  purchaseUnitSymbol: 'ea',
  attributes: [],
  ...fields,
});
const weight = (value: string, area = 'ProductAttribute') => ({
  attributeName: 'Weight Limit',
  attributeTypeName: 'PoundDomain',
  attributeArea: area,
  value,
});
const cond = (conditionOperator: string, field: string, values: string[]) => ({
  conditionOperator,
  [field]: values,
});
const attr = (conditionOperator: string, attributeValues: string[], extra: Record<string, string> = {}) => ({
  attributeName: 'weight limit',
  attributeValues,
  conditionOperator,
  ...extra,
});
const p = (conditions: unknown[], logicalOperator?: string): ProductSearchInput =>
  ({ productFilter: { conditions, ...(logicalOperator ? { logicalOperator } : {}) } }) as ProductSearchInput;
const a = (conditions: unknown[]): ProductSearchInput =>
  ({ attributeFilter: { conditions } }) as ProductSearchInput;

describe('product search (ProductAttributeQuery)', () => {
  it.each([
    ['IsExactly ignores case', p([cond('isexactly', 'productType', ['ITEM'])]), {}, true],
    ['IsExactly on another value', p([cond('IsExactly', 'productType', ['Service'])]), {}, false],
    ['IsNot', p([cond('IsNot', 'productType', ['Service'])]), {}, true],
    ['Contains any of the values', p([cond('Contains', 'productName', ['car', 'BIKE'])]), {}, true],
    ['DoesNotContain', p([cond('DoesNotContain', 'productName', ['bike'])]), {}, false],
    ['BeginsWith', p([cond('BeginsWith', 'itemNumber', ['p-'])]), {}, true],
    ['IsOneOf on the item number', p([cond('IsOneOf', 'itemNumber', ['P-2', 'p-1'])]), {}, true],
    [
      'And needs every condition',
      p([cond('IsExactly', 'company', ['usmf']), cond('IsExactly', 'productType', ['x'])]),
      {},
      false,
    ],
    [
      'Or needs one',
      p([cond('IsExactly', 'company', ['usmf']), cond('IsExactly', 'productType', ['x'])], 'Or'),
      {},
      true,
    ],
    ['an empty search passes', {}, {}, true],
    [
      'GreaterEqual compares numbers as numbers',
      a([attr('GreaterEqual', ['90'])]),
      { attributes: [weight('370')] },
      true,
    ],
    ['LessEqual', a([attr('LessEqual', ['330'])]), { attributes: [weight('370')] }, false],
    ['Between is inclusive', a([attr('Between', ['370', '400'])]), { attributes: [weight('370')] }, true],
    ['a product without the attribute fails a positive test', a([attr('GreaterEqual', ['1'])]), {}, false],
    ['a product without the attribute passes IsNot', a([attr('IsNot', ['370'])]), {}, true],
    [
      'the attribute area must match when given',
      a([attr('IsExactly', ['370'], { attributeArea: ' batchattribute' })]),
      { attributes: [weight('370')] },
      false,
    ],
    [
      'the attribute type must match when given',
      a([attr('IsExactly', ['370'], { attributeTypeName: 'PoundDomain' })]),
      { attributes: [weight('370')] },
      true,
    ],
  ] as const)('%s', (_title, search, fields, expected) => {
    expect(parseProductSearch(search as ProductSearchInput, '/s')(product(fields))).toBe(expected);
  });

  it('combines conditions with nested sub-filters, and the product filter with the attribute filter', () => {
    const search = {
      productFilter: {
        logicalOperator: 'Or',
        conditions: [cond('IsExactly', 'productType', ['Service'])],
        subFilters: [
          {
            conditions: [cond('Contains', 'productName', ['deluxe']), cond('IsExactly', 'company', ['usmf'])],
          },
        ],
      },
      attributeFilter: { conditions: [attr('GreaterEqual', ['300'])] },
    } as ProductSearchInput;
    const matches = parseProductSearch(search, '/s');
    expect(matches(product({ attributes: [weight('370')] }))).toBe(true);
    expect(matches(product({ attributes: [weight('200')] }))).toBe(false);
    expect(
      matches(product({ productName: 'Basic', productType: 'Service', attributes: [weight('300')] })),
    ).toBe(true);
    expect(matches(product({ productName: 'Basic', attributes: [weight('300')] }))).toBe(false);
  });

  it.each([
    [p([cond('Resembles', 'productName', ['x'])]), '/s/productFilter/conditions/0/conditionOperator'],
    [p([{ conditionOperator: 'IsExactly' }]), '/s/productFilter/conditions/0'],
    [
      p([{ conditionOperator: 'IsExactly', productName: ['a'], productType: ['b'] }]),
      '/s/productFilter/conditions/0',
    ],
    [p([cond('Between', 'productName', ['a'])]), '/s/productFilter/conditions/0'],
    [p([cond('IsExactly', 'productName', [])]), '/s/productFilter/conditions/0'],
    [p([], 'Xor'), '/s/productFilter/logicalOperator'],
    [
      a([attr('IsExactly', ['1'], { attributeArea: 'Elsewhere' })]),
      '/s/attributeFilter/conditions/0/attributeArea',
    ],
  ])('refuses a bad search with the path of the bad part (%#)', (search, path) => {
    expect(() => parseProductSearch(search as ProductSearchInput, '/s')).toThrow(
      expect.objectContaining({ code: 'invalid_request', details: [expect.objectContaining({ path })] }),
    );
  });

  it('compares numeric text as numbers and other text by characters', () => {
    expect(compare('1000', '370')).toBeGreaterThan(0);
    expect(compare('abc', 'abd')).toBeLessThan(0);
    expect(compare('', '0')).toBeLessThan(0);
  });
});
