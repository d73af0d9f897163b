import { Type } from '@sinclair/typebox';
import { ExactQuery, IndexQuery } from './query.js';

const text = (description: string) => Type.Optional(Type.String({ description }));

export const ProductAttributeSchema = Type.Object(
  {
    attributeName: Type.String({ description: 'e.g. "Weight Limit".' }),
    attributeTypeName: text('e.g. "PoundDomain".'),
    attributeArea: text('ProductAttribute, DimensionAttribute or BatchAttribute (case-insensitive).'),
    value: Type.Union([Type.String(), Type.Number(), Type.Boolean()], {
      description: 'The value; kept as text, compared as a number when both sides are numeric.',
    }),
  },
  { title: 'ProductAttribute', additionalProperties: false },
);

/** A product of the catalogue as a client loads it (extension). */
export const ProductInputSchema = Type.Object(
  {
    productId: Type.String({ description: 'The product id of stock and queries (the item number).' }),
    productName: text('Product name.'),
    productType: text('e.g. "Item" or "Service".'),
    productSearchName: text('Search name.'),
    productDescription: text('Description.'),
    company: text('Legal entity (the product filter field "Company").'),
    inventoryUnitSymbol: text('Inventory unit.'),
    salesUnitSymbol: text('Sales unit.'),
    purchaseUnitSymbol: text('Purchase unit.'),
    attributes: Type.Optional(Type.Array(ProductAttributeSchema, { maxItems: 200 })),
  },
  { title: 'ProductInput', additionalProperties: false },
);

const PRODUCT_EXAMPLE = {
  productId: 'Bike-1000',
  productName: 'Deluxe touring bike',
  productType: 'Item',
  attributes: [
    {
      attributeName: 'Weight Limit',
      attributeTypeName: 'PoundDomain',
      attributeArea: 'ProductAttribute',
      value: 370,
    },
  ],
};

export const ProductBulk = Type.Array(ProductInputSchema, {
  title: 'ProductInputBulk',
  description: 'Products to insert or replace, all or nothing.',
  examples: [[PRODUCT_EXAMPLE]],
});

export const ProductLoadResult = Type.Object(
  { loaded: Type.Integer({ description: 'How many products were inserted or replaced.' }) },
  { title: 'ProductLoadResult', examples: [{ loaded: 1 }] },
);

/** A product as stored. */
export const ProductSchema = Type.Object(
  {
    productId: Type.String(),
    productName: Type.String(),
    productType: Type.String(),
    productSearchName: Type.String(),
    productDescription: Type.String(),
    company: Type.String(),
    inventoryUnitSymbol: Type.String(),
    salesUnitSymbol: Type.String(),
    purchaseUnitSymbol: Type.String(),
    attributes: Type.Array(
      Type.Object({
        attributeName: Type.String(),
        attributeTypeName: Type.String(),
        attributeArea: Type.String(),
        value: Type.String(),
      }),
    ),
    updatedAt: Type.String({ description: 'When it was last loaded.' }),
  },
  {
    title: 'Product',
    examples: [
      {
        productId: 'T-shirt',
        productName: 'T-shirt',
        productType: 'Item',
        productSearchName: 'TSHIRT',
        productDescription: 'Cotton T-shirt',
        company: 'usmf',
        inventoryUnitSymbol: 'ea',
        salesUnitSymbol: 'ea',
        purchaseUnitSymbol: 'ea',
        attributes: [
          { attributeName: 'Material', attributeTypeName: 'Text', attributeArea: 'Product', value: 'Cotton' },
        ],
        updatedAt: '2026-12-03T08:00:00.000Z',
      },
    ],
  },
);

export const ProductPage = Type.Object(
  {
    products: Type.Array(ProductSchema),
    next: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass as `after` for the next page; null on the last page.',
    }),
  },
  {
    title: 'ProductPage',
    examples: [
      {
        products: [
          {
            productId: 'T-shirt',
            productName: 'T-shirt',
            productType: 'Item',
            productSearchName: 'TSHIRT',
            productDescription: 'Cotton T-shirt',
            company: 'usmf',
            inventoryUnitSymbol: 'ea',
            salesUnitSymbol: 'ea',
            purchaseUnitSymbol: 'ea',
            attributes: [
              {
                attributeName: 'Material',
                attributeTypeName: 'Text',
                attributeArea: 'Product',
                value: 'Cotton',
              },
            ],
            updatedAt: '2026-12-03T08:00:00.000Z',
          },
        ],
        next: null,
      },
    ],
  },
);

export const ProductListQuery = Type.Object({
  after: Type.Optional(Type.String({ description: 'The last productId of the previous page.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, examples: [100] })),
});

export const ProductParams = Type.Object({
  environmentId: Type.String(),
  productId: Type.String(),
});

const conditionValues = Type.Optional(Type.Array(Type.String()));

const ProductCondition = Type.Object(
  {
    conditionOperator: Type.String({
      description:
        'IsExactly, IsNot, Contains, DoesNotContain, BeginsWith, IsOneOf, GreaterEqual, LessEqual, Between.',
    }),
    company: conditionValues,
    itemNumber: conditionValues,
    productSearchName: conditionValues,
    productType: conditionValues,
    productName: conditionValues,
    productDescription: conditionValues,
    inventoryUnitSymbol: conditionValues,
    salesUnitSymbol: conditionValues,
    purchaseUnitSymbol: conditionValues,
  },
  { title: 'ProductCondition', additionalProperties: false },
);

const AttributeCondition = Type.Object(
  {
    attributeName: Type.String(),
    attributeTypeName: Type.Optional(Type.String()),
    attributeArea: Type.Optional(Type.String()),
    attributeValues: Type.Array(Type.String()),
    conditionOperator: Type.String(),
  },
  { title: 'AttributeCondition', additionalProperties: false },
);

/**
 * A filter: conditions and sub-filters of the same shape (declared loosely here so the document has no
 * recursive schema; each sub-filter is checked against this schema when the query is read).
 */
const filterOf = (condition: typeof ProductCondition | typeof AttributeCondition, title: string) =>
  Type.Object(
    {
      logicalOperator: Type.Optional(Type.String({ description: 'And (default) or Or.' })),
      conditions: Type.Optional(Type.Array(condition)),
      subFilters: Type.Optional(
        Type.Array(Type.Object({}, { additionalProperties: true, description: `A ${title} (nested).` })),
      ),
    },
    { title, additionalProperties: false },
  );

export const ProductFilter = filterOf(ProductCondition, 'ProductFilter');
export const AttributeFilter = filterOf(AttributeCondition, 'AttributeFilter');

/** The ProductAttributeQuery of spec §2.7.5. */
export const ProductSearchSchema = Type.Object(
  {
    productFilter: Type.Optional(ProductFilter),
    attributeFilter: Type.Optional(AttributeFilter),
  },
  { title: 'ProductAttributeQuery', additionalProperties: false },
);

const SEARCH_EXAMPLE = {
  productFilter: {
    logicalOperator: 'And',
    conditions: [{ conditionOperator: 'Contains', productName: ['Deluxe'] }],
    subFilters: [{ conditions: [{ conditionOperator: 'IsExactly', productType: ['Item'] }] }],
  },
  attributeFilter: {
    logicalOperator: 'Or',
    conditions: [
      {
        attributeName: 'Weight Limit',
        attributeTypeName: 'PoundDomain',
        attributeArea: ' ProductAttribute',
        attributeValues: ['370'],
        conditionOperator: 'GreaterEqual',
      },
    ],
  },
};

/** Index query with product search (#20): the index query without productId, plus productSearch. */
export const ProductSearchIndexQuery = Type.Object(
  { ...IndexQuery.properties, productSearch: ProductSearchSchema },
  {
    title: 'ProductSearchIndexQuery',
    additionalProperties: false,
    examples: [
      {
        productSearch: SEARCH_EXAMPLE,
        filters: { organizationId: ['usmf'], siteId: ['1'], locationId: ['11'] },
        groupByValues: ['colorId'],
        returnNegative: true,
      },
    ],
  },
);

/** Exact query with product search (#21). */
export const ProductSearchExactQuery = Type.Object(
  { ...ExactQuery.properties, productSearch: ProductSearchSchema },
  {
    title: 'ProductSearchExactQuery',
    additionalProperties: false,
    examples: [
      {
        productSearch: SEARCH_EXAMPLE,
        filters: {
          organizationId: ['usmf'],
          dimensions: ['siteId', 'locationId', 'colorId'],
          values: [['1', '11', 'red']],
        },
        returnNegative: true,
      },
    ],
  },
);
