import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, tshirtEvent } from '../support/harness.js';
import {
  ENV,
  type ExpectedError,
  expectError,
  inboundOf,
  type RowJson,
  readLedger,
  snapshot,
  without,
} from './api-helpers.js';

/**
 * Design rule 5: bad input gets a clear error (HTTP status, stable code, path of the bad field) and
 * changes nothing. Every case below is sent to a running app on a real database; a snapshot of the
 * ledger, partitions, stock and configuration taken before and after must be equal.
 */

let h: Harness;
/** A second app with small limits: 2 KiB bodies, at most 3 product ids per query. */
let limited: Harness;

beforeAll(async () => {
  h = await startHarness();
  limited = await startHarness({ env: { ONHAND_BODY_LIMIT_BYTES: '2048', ONHAND_QUERY_MAX_PRODUCTS: '3' } });
  for (const harness of [h, limited]) {
    const seed = await harness.request(
      'POST',
      `${ENV}/onhand`,
      tshirtEvent('seed-1', { quantities: { pos: { inbound: 5 } } }),
    );
    expect(seed.statusCode).toBe(200);
  }
});

afterAll(async () => {
  await h?.close();
  await limited?.close();
});

interface BadCase extends ExpectedError {
  readonly name: string;
  readonly method?: string;
  readonly url?: string;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  /** Run against the app with small limits. */
  readonly limited?: boolean;
}

const ONHAND = `${ENV}/onhand`;
const BULK = `${ENV}/onhand/bulk`;
const INDEX = `${ENV}/onhand/indexquery`;
const EXACT = `${ENV}/onhand/exactquery`;
const event = tshirtEvent;
const qty = (inbound: unknown) => event('bad', { quantities: { pos: { inbound } } });
const dims = (dimensions: Record<string, string>) => event('bad', { dimensionDataSource: null, dimensions });
const query = (filters: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  filters: {
    organizationId: ['usmf'],
    productId: ['T-shirt'],
    siteId: ['1'],
    locationId: ['11'],
    ...filters,
  },
  ...extra,
});
const long = (n: number, c = 'x') => c.repeat(n);

const writeCases: BadCase[] = [
  // Request shape
  { name: 'malformed JSON', rawBody: '{"id":', status: 400, code: 'malformed_json' },
  { name: 'empty body sent as JSON', rawBody: '', status: 400, code: 'malformed_json' },
  { name: 'no body at all', status: 400, code: 'invalid_type', path: '' },
  { name: 'JSON null body', rawBody: 'null', status: 400, code: 'invalid_type', path: '' },
  {
    name: 'array body for a single event',
    body: [event('bad')],
    status: 400,
    code: 'invalid_type',
    path: '',
  },
  {
    name: 'non-JSON content type (application/xml)',
    rawBody: '<event id="bad"/>',
    headers: { 'content-type': 'application/xml' },
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'quantities as an array',
    body: event('bad', { quantities: [1] }),
    status: 400,
    code: 'invalid_type',
    path: '/quantities',
  },
  {
    name: 'quantities null',
    body: event('bad', { quantities: null }),
    status: 400,
    code: 'invalid_type',
    path: '/quantities',
  },
  {
    name: 'quantity true',
    body: qty(true),
    status: 400,
    code: 'invalid_quantity',
    path: '/quantities/pos/inbound',
  },
  {
    name: 'quantity null',
    body: qty(null),
    status: 400,
    code: 'invalid_quantity',
    path: '/quantities/pos/inbound',
  },
  {
    name: 'quantity {}',
    body: qty({}),
    status: 400,
    code: 'invalid_quantity',
    path: '/quantities/pos/inbound',
  },
  {
    name: 'quantity [1]',
    body: qty([1]),
    status: 400,
    code: 'invalid_quantity',
    path: '/quantities/pos/inbound',
  },
  {
    name: 'id as a number',
    body: event(5 as unknown as string),
    status: 400,
    code: 'invalid_type',
    path: '/id',
  },
  {
    name: 'dimension value as a number',
    body: event('bad', { dimensions: { siteId: 1, locationId: '11' } }),
    status: 400,
    code: 'invalid_type',
    path: '/dimensions/siteId',
  },
  { name: 'missing id', body: without(event('bad'), 'id'), status: 400, code: 'missing_field', path: '/id' },
  {
    name: 'missing organizationId',
    body: without(event('bad'), 'organizationId'),
    status: 400,
    code: 'missing_field',
    path: '/organizationId',
  },
  {
    name: 'missing productId',
    body: without(event('bad'), 'productId'),
    status: 400,
    code: 'missing_field',
    path: '/productId',
  },
  {
    name: 'missing quantities',
    body: without(event('bad'), 'quantities'),
    status: 400,
    code: 'missing_field',
    path: '/quantities',
  },
  {
    name: 'missing siteId',
    body: dims({ locationId: '11' }),
    status: 400,
    code: 'missing_partition_dimension',
    path: '/dimensions/siteid',
  },
  {
    name: 'missing locationId',
    body: dims({ siteId: '1' }),
    status: 400,
    code: 'missing_partition_dimension',
    path: '/dimensions/locationid',
  },
  {
    name: 'empty siteId',
    body: dims({ siteId: '', locationId: '11' }),
    status: 400,
    code: 'missing_partition_dimension',
    path: '/dimensions/siteid',
  },
  {
    name: 'no dimensions at all',
    body: without(event('bad'), 'dimensions'),
    status: 400,
    code: 'missing_partition_dimension',
    path: '/dimensions/siteid',
  },
  {
    name: 'unknown field at top level',
    body: event('bad', { foo: 1 }),
    status: 400,
    code: 'unknown_field',
    path: '/foo',
  },
  {
    name: 'keys differing only in case ("id" and "ID")',
    body: { ...event('bad'), ID: 'bad-2' },
    status: 400,
    code: 'invalid_request',
    path: '/ID',
  },
  {
    name: 'dimension given twice in different case with different values',
    body: dims({ siteId: '1', SITEID: '2', locationId: '11' }),
    status: 400,
    code: 'duplicate_dimension',
    path: '/dimensions/SITEID',
  },
  {
    name: 'measure given twice in different case',
    body: event('bad', { quantities: { pos: { inbound: 1, INBOUND: 2 } } }),
    status: 400,
    code: 'duplicate_name',
    path: '/quantities/pos/INBOUND',
  },
  {
    name: 'unknown dimension without a dimension data source',
    body: dims({ siteId: '1', locationId: '11', flavour: 'x' }),
    status: 400,
    code: 'unknown_dimension',
    path: '/dimensions/flavour',
  },
  {
    name: 'unknown dimensionDataSource',
    body: event('bad', { dimensionDataSource: 'zzz' }),
    status: 400,
    code: 'unknown_data_source',
    path: '/dimensionDataSource',
  },
  // Configuration-driven checks
  {
    name: 'unknown data source',
    body: event('bad', { quantities: { zzz: { inbound: 1 } } }),
    status: 400,
    code: 'unknown_data_source',
    path: '/quantities/zzz',
  },
  {
    name: 'unknown measure',
    body: event('bad', { quantities: { pos: { nope: 1 } } }),
    status: 400,
    code: 'unknown_measure',
    path: '/quantities/pos/nope',
  },
  {
    name: 'calculated measure as target (pos.availquantity)',
    body: event('bad', { quantities: { pos: { availquantity: 1 } } }),
    status: 400,
    code: 'calculated_measure_not_writable',
    path: '/quantities/pos/availquantity',
  },
  {
    name: 'fno target (read-only)',
    body: event('bad', { quantities: { fno: { arrived: 1 } } }),
    status: 400,
    code: 'data_source_read_only',
    path: '/quantities/fno',
  },
  {
    name: '@iv target (system)',
    body: event('bad', { quantities: { '@iv': { '@allocated': 1 } } }),
    status: 400,
    code: 'data_source_read_only',
    path: '/quantities/@iv',
  },
  {
    name: 'one good and one read-only measure in the same event',
    body: event('bad', { quantities: { pos: { inbound: 1 }, fno: { arrived: 1 } } }),
    status: 400,
    code: 'data_source_read_only',
    path: '/quantities/fno',
  },
  {
    name: 'no quantities ({})',
    body: event('bad', { quantities: {} }),
    status: 400,
    code: 'no_quantities',
    path: '/quantities',
  },
  {
    name: 'no measures ({ pos: {} })',
    body: event('bad', { quantities: { pos: {} } }),
    status: 400,
    code: 'no_quantities',
    path: '/quantities',
  },
  // Quantities
  {
    name: '7 decimal places (number)',
    body: qty(0.1234567),
    status: 400,
    code: 'quantity_precision',
    path: '/quantities/pos/inbound',
  },
  {
    name: '7 decimal places (string)',
    body: qty('1.0000001'),
    status: 400,
    code: 'quantity_precision',
    path: '/quantities/pos/inbound',
  },
  {
    name: '1e-7 (string)',
    body: qty('1e-7'),
    status: 400,
    code: 'quantity_precision',
    path: '/quantities/pos/inbound',
  },
  {
    name: 'more than 15 significant digits as a JSON number',
    body: qty(123456789.1234567),
    status: 400,
    code: 'quantity_precision',
    path: '/quantities/pos/inbound',
  },
  {
    name: 'beyond +1e12 (number)',
    body: qty(1e12 + 1),
    status: 400,
    code: 'quantity_out_of_range',
    path: '/quantities/pos/inbound',
  },
  {
    name: 'beyond -1e12 (number)',
    body: qty(-1e12 - 1),
    status: 400,
    code: 'quantity_out_of_range',
    path: '/quantities/pos/inbound',
  },
  {
    name: 'beyond 1e12 by a millionth (string)',
    body: qty('1000000000000.000001'),
    status: 400,
    code: 'quantity_out_of_range',
    path: '/quantities/pos/inbound',
  },
  {
    name: '"1e400"',
    body: qty('1e400'),
    status: 400,
    code: 'quantity_out_of_range',
    path: '/quantities/pos/inbound',
  },
  {
    name: '"1e13"',
    body: qty('1e13'),
    status: 400,
    code: 'quantity_out_of_range',
    path: '/quantities/pos/inbound',
  },
  { name: '"NaN"', body: qty('NaN'), status: 400, code: 'invalid_quantity', path: '/quantities/pos/inbound' },
  {
    name: '"Infinity"',
    body: qty('Infinity'),
    status: 400,
    code: 'invalid_quantity',
    path: '/quantities/pos/inbound',
  },
  {
    name: '"-Infinity"',
    body: qty('-Infinity'),
    status: 400,
    code: 'invalid_quantity',
    path: '/quantities/pos/inbound',
  },
  {
    name: '"" quantity',
    body: qty(''),
    status: 400,
    code: 'invalid_quantity',
    path: '/quantities/pos/inbound',
  },
  { name: '"ten"', body: qty('ten'), status: 400, code: 'invalid_quantity', path: '/quantities/pos/inbound' },
  {
    name: '"0x10"',
    body: qty('0x10'),
    status: 400,
    code: 'invalid_quantity',
    path: '/quantities/pos/inbound',
  },
  { name: '"1,5"', body: qty('1,5'), status: 400, code: 'invalid_quantity', path: '/quantities/pos/inbound' },
  {
    name: 'NaN literal (not JSON)',
    rawBody: JSON.stringify(qty(1)).replace('"inbound":1', '"inbound":NaN'),
    status: 400,
    code: 'malformed_json',
  },
  // Ids and values
  {
    name: 'id over 256 characters',
    body: event(long(257)),
    status: 400,
    code: 'value_too_long',
    path: '/id',
  },
  {
    name: 'organizationId over 256 characters',
    body: event('bad', { organizationId: long(257) }),
    status: 400,
    code: 'value_too_long',
    path: '/organizationId',
  },
  {
    name: 'productId over 256 characters',
    body: event('bad', { productId: long(257) }),
    status: 400,
    code: 'value_too_long',
    path: '/productId',
  },
  { name: 'id of 257 emoji', body: event(long(257, '😀')), status: 400, code: 'value_too_long', path: '/id' },
  {
    name: 'dimension value over 256 characters',
    body: event('bad', { dimensions: { siteId: '1', locationId: '11', colorId: long(257) } }),
    status: 400,
    code: 'value_too_long',
    path: '/dimensions/colorId',
  },
  { name: 'empty id', body: event(''), status: 400, code: 'invalid_id', path: '/id' },
  {
    name: 'control character in id (U+0001)',
    body: event('a\u0001b'),
    status: 400,
    code: 'invalid_id',
    path: '/id',
  },
  { name: 'NUL in id', body: event('a\u0000b'), status: 400, code: 'invalid_id', path: '/id' },
  {
    name: 'newline in productId',
    body: event('bad', { productId: 'T-\nshirt' }),
    status: 400,
    code: 'invalid_id',
    path: '/productId',
  },
  {
    name: 'DEL in organizationId',
    body: event('bad', { organizationId: 'us\u007fmf' }),
    status: 400,
    code: 'invalid_id',
    path: '/organizationId',
  },
  {
    name: 'tab in a dimension value',
    body: event('bad', { dimensions: { siteId: '1', locationId: '11', colorId: 'red\t' } }),
    status: 400,
    code: 'invalid_id',
    path: '/dimensions/colorId',
  },
  // Prototype pollution attempts
  {
    name: '__proto__ key',
    rawBody: '{"__proto__":{"polluted":true},"id":"bad"}',
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'constructor.prototype key',
    rawBody: '{"constructor":{"prototype":{"polluted":true}},"id":"bad"}',
    status: 400,
    code: 'malformed_json',
  },
  {
    name: '__proto__ inside quantities',
    rawBody: JSON.stringify(event('bad')).replace(
      '"quantities":{',
      '"quantities":{"__proto__":{"inbound":1},',
    ),
    status: 400,
    code: 'malformed_json',
  },
  // Environments and headers
  {
    name: 'unknown environment',
    url: '/api/environment/nope/onhand',
    body: event('bad'),
    status: 404,
    code: 'environment_not_found',
  },
  {
    name: 'invalid environment id (@)',
    url: '/api/environment/b%40d/onhand',
    body: event('bad'),
    status: 400,
    code: 'invalid_environment_id',
  },
  {
    name: 'invalid environment id (65 characters)',
    url: `/api/environment/${long(65, 'e')}/onhand`,
    body: event('bad'),
    status: 400,
    code: 'invalid_environment_id',
  },
  {
    name: 'unsupported Api-Version',
    body: query({}),
    headers: { 'api-version': '3.0' },
    url: INDEX,
    status: 400,
    code: 'invalid_request',
    path: 'header:Api-Version',
  },
  // Size limits
  {
    name: 'body over the size limit',
    limited: true,
    body: event('bad', { productId: long(3000) }),
    status: 413,
    code: 'payload_too_large',
  },
  {
    name: 'bulk body over the size limit',
    limited: true,
    url: BULK,
    body: Array.from({ length: 20 }, (_, i) => event(`big-${i}`)),
    status: 413,
    code: 'payload_too_large',
  },
  // Bulk as a whole
  {
    name: 'bulk body that is an object',
    url: BULK,
    body: event('bad'),
    status: 400,
    code: 'invalid_request',
    path: '',
  },
  {
    name: 'bulk body that is a string',
    url: BULK,
    body: 'bad',
    status: 400,
    code: 'invalid_request',
    path: '',
  },
  {
    name: '513 items in a bulk',
    url: BULK,
    body: Array.from({ length: 513 }, (_, i) => event(`many-${i}`)),
    status: 400,
    code: 'too_many_items',
  },
  {
    name: 'set on-hand body that is an object',
    url: `${ENV}/setonhand/pos/bulk`,
    body: event('bad'),
    status: 400,
    code: 'invalid_request',
    path: '',
  },
  {
    name: 'set on-hand for an unknown inventory system',
    url: `${ENV}/setonhand/zzz/bulk`,
    body: [event('bad')],
    status: 400,
    code: 'unknown_data_source',
  },
];

const queryCases: BadCase[] = [
  {
    name: 'index query without organizationId',
    url: INDEX,
    body: { filters: { productId: ['T-shirt'] } },
    status: 400,
    code: 'invalid_query',
    path: '/filters/organizationId',
  },
  {
    name: 'index query v1 with two organizations',
    url: INDEX,
    body: query({ organizationId: ['usmf', 'other'] }),
    status: 400,
    code: 'invalid_query',
    path: '/filters/organizationId',
  },
  {
    name: 'index query without filters',
    url: INDEX,
    body: { groupByValues: ['colorId'] },
    status: 400,
    code: 'missing_field',
    path: '/filters',
  },
  {
    name: 'index query filter that is a string',
    url: INDEX,
    body: query({ siteId: '1' }),
    status: 400,
    code: 'invalid_type',
    path: '/filters/siteId',
  },
  {
    name: 'index query with unknown filter dimension',
    url: INDEX,
    body: query({ flavour: ['x'] }),
    status: 400,
    code: 'unknown_dimension',
    path: '/filters/flavour',
  },
  {
    name: 'index query with unknown group-by dimension',
    url: INDEX,
    body: query({}, { groupByValues: ['flavour'] }),
    status: 400,
    code: 'unknown_dimension',
    path: '/groupByValues/0',
  },
  {
    name: 'index query with returnNegative "yes"',
    url: INDEX,
    body: query({}, { returnNegative: 'yes' }),
    status: 400,
    code: 'invalid_type',
    path: '/returnNegative',
  },
  {
    name: 'index query with unknown field',
    url: INDEX,
    body: query({}, { foo: 1 }),
    status: 400,
    code: 'unknown_field',
    path: '/foo',
  },
  {
    name: 'index query with unknown dimensionDataSource',
    url: INDEX,
    body: query({}, { dimensionDataSource: 'zzz' }),
    status: 400,
    code: 'unknown_data_source',
    path: '/dimensionDataSource',
  },
  {
    name: 'index query naming a filter twice in different case',
    url: INDEX,
    body: query({ SITEID: ['2'] }),
    status: 400,
    code: 'invalid_query',
    path: '/filters/SITEID',
  },
  {
    name: 'index query with neither product nor site/location',
    url: INDEX,
    body: { filters: { organizationId: ['usmf'] } },
    status: 400,
    code: 'invalid_query',
    path: '/filters',
  },
  {
    name: 'index query with a control character in organizationId',
    url: INDEX,
    body: query({ organizationId: ['us\u0000mf'] }),
    status: 400,
    code: 'invalid_id',
    path: '/filters/organizationId/0',
  },
  {
    name: 'index query with more product ids than the limit (3)',
    limited: true,
    url: INDEX,
    body: query({ productId: ['a', 'b', 'c', 'd'] }),
    status: 400,
    code: 'query_limit_exceeded',
    path: '/filters/productId',
  },
  {
    name: 'GET query with more product ids than the limit (3)',
    limited: true,
    method: 'GET',
    url: `${ENV}/onhand?organizationId=usmf&productId=a,b,c,d`,
    status: 400,
    code: 'query_limit_exceeded',
    path: '/filters/productId',
  },
  {
    name: 'paged query with pageSize=0',
    url: `${INDEX}?pageNumber=1&pageSize=0`,
    headers: { 'api-version': '2.0' },
    body: query({}),
    status: 400,
    code: 'invalid_request',
    path: 'query:pageSize',
  },
  {
    name: 'paged query with pageNumber=abc',
    url: `${INDEX}?pageNumber=abc&pageSize=1`,
    headers: { 'api-version': '2.0' },
    body: query({}),
    status: 400,
    code: 'invalid_request',
    path: 'query:pageNumber',
  },
  {
    name: 'GET query without organizationId',
    method: 'GET',
    url: `${ENV}/onhand?productId=T-shirt`,
    status: 400,
    code: 'invalid_query',
    path: '/filters/organizationId',
  },
  {
    name: 'GET query with two organizations (comma list)',
    method: 'GET',
    url: `${ENV}/onhand?organizationId=usmf,other&productId=T-shirt`,
    status: 400,
    code: 'invalid_query',
    path: '/filters/organizationId',
  },
  {
    name: 'GET query with two organizations (repeated)',
    method: 'GET',
    url: `${ENV}/onhand?organizationId=usmf&organizationId=other&productId=T-shirt`,
    status: 400,
    code: 'invalid_query',
    path: '/filters/organizationId',
  },
  {
    name: 'GET query with unknown filter dimension',
    method: 'GET',
    url: `${ENV}/onhand?organizationId=usmf&productId=T-shirt&flavour=x`,
    status: 400,
    code: 'unknown_dimension',
    path: '/filters/flavour',
  },
  {
    name: 'GET query with returnNegative=maybe',
    method: 'GET',
    url: `${ENV}/onhand?organizationId=usmf&productId=T-shirt&returnNegative=maybe`,
    status: 400,
    code: 'invalid_type',
    path: 'query:returnNegative',
  },
  {
    name: 'exact query v1 without filters.dimensions',
    url: EXACT,
    body: { filters: { organizationId: ['usmf'], values: [['1', '11']] } },
    status: 400,
    code: 'missing_field',
    path: '/filters/dimensions',
  },
  {
    name: 'exact query v1 without siteId/locationId',
    url: EXACT,
    body: { filters: { organizationId: ['usmf'], dimensions: ['colorId'], values: [['red']] } },
    status: 400,
    code: 'missing_partition_dimension',
    path: '/filters/dimensions',
  },
  {
    name: 'exact query with a tuple of the wrong length',
    url: EXACT,
    body: { filters: { organizationId: ['usmf'], dimensions: ['siteId', 'locationId'], values: [['1']] } },
    status: 400,
    code: 'invalid_query',
    path: '/filters/values/0',
  },
  {
    name: 'exact query with a non-string value',
    url: EXACT,
    body: {
      filters: { organizationId: ['usmf'], dimensions: ['siteId', 'locationId'], values: [[1, '11']] },
    },
    status: 400,
    code: 'invalid_type',
    path: '/filters/values/0/0',
  },
  {
    name: 'exact query v2 with filters.organizationId',
    url: EXACT,
    headers: { 'api-version': '2.0' },
    body: { filters: { organizationId: ['usmf'], keys: ['siteId', 'locationId'], values: [['1', '11']] } },
    status: 400,
    code: 'invalid_query',
    path: '/filters/organizationId',
  },
  {
    name: 'exact query v2 without organizationId in keys',
    url: EXACT,
    headers: { 'api-version': '2.0' },
    body: { filters: { keys: ['siteId', 'locationId'], values: [['1', '11']] } },
    status: 400,
    code: 'invalid_query',
    path: '/filters/keys',
  },
  {
    name: 'query on an unknown environment',
    url: '/api/environment/nope/onhand/indexquery',
    body: query({}),
    status: 404,
    code: 'environment_not_found',
  },
];

const adminCases: BadCase[] = [
  {
    name: 'cleanup of an unknown partition',
    method: 'DELETE',
    url: `${ENV}/partitions/cleanupalldata`,
    body: ['usmf~9~99'],
    status: 404,
    code: 'partition_not_found',
  },
  {
    name: 'cleanup of a known and an unknown partition',
    method: 'DELETE',
    url: `${ENV}/partitions/cleanupalldata`,
    body: ['usmf~1~11', 'nope'],
    status: 404,
    code: 'partition_not_found',
  },
  {
    name: 'cleanup with an object body',
    method: 'DELETE',
    url: `${ENV}/partitions/cleanupalldata`,
    body: { id: 'usmf~1~11' },
    status: 400,
    code: 'invalid_type',
    path: '',
  },
  {
    name: 'cleanup with an empty list',
    method: 'DELETE',
    url: `${ENV}/cleanupalldata`,
    body: [],
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'ledger with limit=0',
    method: 'GET',
    url: `${ENV}/ledger?limit=0`,
    status: 400,
    code: 'invalid_request',
    path: 'query:limit',
  },
];

async function send(c: BadCase) {
  const harness = c.limited ? limited : h;
  const method = c.method ?? 'POST';
  const options = {
    ...(c.rawBody === undefined ? {} : { rawBody: c.rawBody }),
    ...(c.headers === undefined ? {} : { headers: c.headers }),
  };
  return harness.request(method, c.url ?? ONHAND, c.body, options);
}

/** Sends a bad request and checks its error and that the stored state did not move. */
async function rejectsAndChangesNothing(c: BadCase): Promise<void> {
  const harness = c.limited ? limited : h;
  const before = await snapshot(harness);
  const res = await send(c);
  expectError(res, c);
  expect(await snapshot(harness)).toEqual(before);
}

describe('bad input gets a clear error and changes nothing', () => {
  describe('writes', () => {
    it.each(writeCases)('$name → $status $code', rejectsAndChangesNothing);
  });

  describe('queries', () => {
    it.each(queryCases)('$name → $status $code', rejectsAndChangesNothing);
  });

  describe('administration', () => {
    it.each(adminCases)('$name → $status $code', rejectsAndChangesNothing);
  });

  describe('hostile text, content types and parameter names', () => {
    const hostileCases: BadCase[] = [
      {
        name: 'non-JSON content type (text/plain)',
        rawBody: JSON.stringify(event('bad')),
        headers: { 'content-type': 'text/plain' },
        status: 415,
        code: 'unsupported_media_type',
      },
      {
        name: 'non-JSON content type (form-urlencoded) on a write',
        rawBody: 'id=bad&organizationId=usmf&productId=T-shirt',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        status: 415,
        code: 'unsupported_media_type',
      },
      {
        name: 'quantity 1e400 as a JSON number',
        rawBody: JSON.stringify(qty(1)).replace('"inbound":1', '"inbound":1e400'),
        status: 400,
        code: 'quantity_out_of_range',
        path: '/quantities/pos/inbound',
      },
      {
        name: 'unpaired surrogate in id',
        body: event('bad-\ud800'),
        status: 400,
        code: 'invalid_id',
        path: '/id',
      },
      {
        name: 'GET query with a parameter named "constructor"',
        method: 'GET',
        url: `${ENV}/onhand?organizationId=usmf&productId=T-shirt&constructor=red`,
        status: 400,
        code: 'unknown_dimension',
        path: '/filters/constructor',
      },
      {
        name: 'GET query with a parameter named "toString"',
        method: 'GET',
        url: `${ENV}/onhand?organizationId=usmf&productId=T-shirt&toString=red`,
        status: 400,
        code: 'unknown_dimension',
        path: '/filters/toString',
      },
      {
        name: 'GET query with a parameter named "__proto__"',
        method: 'GET',
        url: `${ENV}/onhand?organizationId=usmf&productId=T-shirt&__proto__=red`,
        status: 400,
        code: 'unknown_dimension',
        path: '/filters/__proto__',
      },
    ];
    it.each(hostileCases)('$name → $status $code', rejectsAndChangesNothing);
    it('an id of 200 emoji (200 characters) is accepted', async () => {
      const res = await h.request('POST', ONHAND, event('😀'.repeat(200), { productId: 'emoji-length' }));
      expect(res.statusCode).toBe(200);
    });
    it('an unpaired surrogate in productId is rejected', async () => {
      const productId = 'P-\udc00';
      const first = await h.request('POST', ONHAND, event('sur-1', { productId }));
      if (first.statusCode === 400) {
        expectError(first, { status: 400, code: 'invalid_id', path: '/productId' });
        return;
      }
      expect((await h.request('POST', ONHAND, event('sur-2', { productId }))).statusCode).toBe(200);
      const rows: RowJson[] = (await h.request('POST', INDEX, query({ productId: [productId] }))).json();
      expect(rows.map((r) => [r.productId, r.quantities.pos?.inbound])).toEqual([[productId, 2]]);
    });
  });
});

describe('the server stays healthy after pollution attempts', () => {
  it('rejects __proto__ / constructor bodies on every write route and keeps working', async () => {
    const before = await snapshot(h);
    const bodies = ['{"__proto__":{"polluted":true}}', '[{"constructor":{"prototype":{"polluted":true}}}]'];
    for (const url of [ONHAND, BULK, `${ENV}/setonhand/pos/bulk`, INDEX, `${ENV}/configuration/hardupdate`]) {
      for (const rawBody of bodies) {
        const res = await h.request('POST', url, undefined, { rawBody });
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe('malformed_json');
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(await snapshot(h)).toEqual(before);
    expect((await h.request('GET', '/health/ping', undefined, { token: null })).statusCode).toBe(200);
    const ok = await h.request('POST', ONHAND, event('after-pollution', { productId: 'pollution-check' }));
    expect(ok.statusCode).toBe(200);
    expect(await inboundOf(h, 'pollution-check')).toBe(1);
  });
});

describe('a bulk with some bad items', () => {
  it('applies the good items and fails each bad one with its own code and /<index> path', async () => {
    const productId = 'bulk-mixed';
    const base = (id: string, overrides: Record<string, unknown> = {}) =>
      event(id, { productId, ...overrides });
    const items: unknown[] = [
      base('mixed-good-1', { quantities: { pos: { inbound: 2 } } }),
      base('mixed-bad-1', { quantities: { pos: { nope: 1 } } }),
      base('mixed-bad-2', { productId: 5 }),
      base('mixed-bad-3', { dimensionDataSource: null, dimensions: { siteId: '1' } }),
      base('mixed-bad-4', { quantities: { pos: { inbound: 0.1234567 } } }),
      base('mixed-good-2', { quantities: { pos: { inbound: '3' } } }),
      base('mixed-bad-5', { quantities: { pos: { availquantity: 1 } } }),
      null,
      base('mixed-bad-7', { quantities: { fno: { arrived: 1 } } }),
    ];
    const ledgerBefore = await readLedger(h);
    const res = await h.request('POST', BULK, items);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual([
      'conflict',
      'failure',
      'notFound',
      'partialSuccess',
      'success',
      'unknown',
    ]);
    expect(body.success.map((e: { id: string }) => e.id)).toEqual(['mixed-good-1', 'mixed-good-2']);
    const expected = [
      { index: 1, id: 'mixed-bad-1', code: 'unknown_measure', path: '/1/quantities/pos/nope' },
      { index: 2, id: 'mixed-bad-2', code: 'invalid_type', path: '/2/productId' },
      { index: 3, id: 'mixed-bad-3', code: 'missing_partition_dimension', path: '/3/dimensions/locationid' },
      { index: 4, id: 'mixed-bad-4', code: 'quantity_precision', path: '/4/quantities/pos/inbound' },
      {
        index: 6,
        id: 'mixed-bad-5',
        code: 'calculated_measure_not_writable',
        path: '/6/quantities/pos/availquantity',
      },
      { index: 7, id: '', code: 'invalid_type', path: '/7' },
      { index: 8, id: 'mixed-bad-7', code: 'data_source_read_only', path: '/8/quantities/fno' },
    ];
    expect(body.failure).toHaveLength(expected.length);
    body.failure.forEach((failure: Record<string, unknown>, i: number) => {
      const want = expected[i]!;
      expect(failure).toMatchObject({
        id: want.id,
        processingStatus: 'failure',
        statusCode: 400,
        code: want.code,
      });
      const paths = (failure.details as { path: string }[]).map((d) => d.path);
      expect(paths).toContain(want.path);
      for (const path of paths) expect(path).toMatch(new RegExp(`^/${want.index}(/|$)`));
    });
    for (const bucket of ['conflict', 'notFound', 'partialSuccess', 'unknown'])
      expect(body[bucket]).toEqual([]);
    expect(await inboundOf(h, productId)).toBe(5);
    const added = (await readLedger(h)).slice(ledgerBefore.length);
    expect(added.map((e) => e.eventId)).toEqual(['mixed-good-1', 'mixed-good-2']);
  });

  it('a bulk of 513 items applies none of them, while 512 are accepted', async () => {
    const items = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => event(`${prefix}-${i}`, { productId: `${prefix}-product` }));
    const before = await snapshot(h);
    const tooMany = await h.request('POST', BULK, items(513, 'limit513'));
    expectError(tooMany, { status: 400, code: 'too_many_items' });
    expect(await snapshot(h)).toEqual(before);
    expect(await inboundOf(h, 'limit513-product')).toBe(0);

    const maxed = await h.request('POST', BULK, items(512, 'limit512'));
    expect(maxed.statusCode).toBe(200);
    expect(maxed.json().success).toHaveLength(512);
    expect(await inboundOf(h, 'limit512-product')).toBe(512);
  });

  it('a set on-hand item with a bad modifiedDateTimeUTC fails alone', async () => {
    const productId = 'set-bad-date';
    const res = await h.request('POST', `${ENV}/setonhand/pos/bulk`, [
      event('set-date-bad', {
        productId,
        modifiedDateTimeUTC: 'yesterday',
        quantities: { pos: { inbound: 9 } },
      }),
      event('set-date-bad-2', {
        productId,
        modifiedDateTimeUTC: '2024-13-45T99:99:99Z',
        quantities: { pos: { inbound: 9 } },
      }),
      event('set-date-good', {
        productId,
        modifiedDateTimeUTC: '2024-01-01T00:00:00Z',
        quantities: { pos: { inbound: 7 } },
      }),
    ]);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.success.map((e: { id: string }) => e.id)).toEqual(['set-date-good']);
    expect(body.failure).toMatchObject([
      { id: 'set-date-bad', code: 'invalid_datetime', details: [{ path: '/0/modifiedDateTimeUTC' }] },
      { id: 'set-date-bad-2', code: 'invalid_datetime', details: [{ path: '/1/modifiedDateTimeUTC' }] },
    ]);
    expect(await inboundOf(h, productId)).toBe(7);
  });
});

describe('hardupdate with an invalid configuration', () => {
  const HARDUPDATE = `${ENV}/configuration/hardupdate`;
  type Config = { inventorySystemConfigurations: Record<string, Record<string, unknown>> } & Record<
    string,
    unknown
  >;
  const current = async (): Promise<Config> => (await h.request('GET', `${ENV}/configuration`)).json();
  const withPos = (config: Config, pos: Record<string, unknown>): Config => ({
    ...config,
    inventorySystemConfigurations: {
      ...config.inventorySystemConfigurations,
      pos: { ...config.inventorySystemConfigurations.pos, ...pos },
    },
  });

  const cases: {
    name: string;
    build: (config: Config) => unknown;
    status: number;
    code: string;
    detail: string;
    path?: string;
  }[] = [
    {
      name: 'a calculated measure refers to an unknown measure',
      build: (c) =>
        withPos(c, {
          calculatedMeasures: {
            availquantity: { additionModifiers: ['pos.nope'], subtractionModifiers: [] },
          },
        }),
      status: 400,
      code: 'invalid_configuration',
      detail: 'unknown_measure_reference',
      path: '/inventorySystemConfigurations/pos/calculatedMeasures/availquantity/additionModifiers/0',
    },
    {
      name: 'data sources that the allocation settings still refer to are left out',
      build: (c) => ({ ...c, inventorySystemConfigurations: { pos: c.inventorySystemConfigurations.pos } }),
      status: 400,
      code: 'invalid_configuration',
      detail: 'unknown_measure_reference',
    },
    {
      name: 'a calculated measure refers to another calculated measure',
      build: (c) =>
        withPos(c, {
          calculatedMeasures: {
            availquantity: { additionModifiers: ['iv.availabletoreserve'], subtractionModifiers: [] },
          },
        }),
      status: 400,
      code: 'invalid_configuration',
      detail: 'nested_calculated_measure',
    },
    {
      name: 'physicalMeasures is not an array',
      build: (c) => withPos(c, { physicalMeasures: 5 }),
      status: 400,
      code: 'invalid_type',
      detail: 'invalid_type',
      path: '/inventorySystemConfigurations/pos/physicalMeasures',
    },
    {
      name: 'an unknown field',
      build: (c) => ({ ...c, foo: 1 }),
      status: 400,
      code: 'unknown_field',
      detail: 'unknown_field',
      path: '/foo',
    },
    {
      name: 'inventorySystemConfigurations is missing',
      build: (c) => without(c, 'inventorySystemConfigurations'),
      status: 400,
      code: 'missing_field',
      detail: 'missing_field',
      path: '/inventorySystemConfigurations',
    },
    {
      name: 'the body is an array',
      build: () => [1],
      status: 400,
      code: 'invalid_type',
      detail: 'invalid_type',
      path: '',
    },
  ];

  it.each(cases)('$name → $status $code ($detail), configuration unchanged', async (c) => {
    const before = await snapshot(h);
    const res = await h.request('POST', HARDUPDATE, c.build(await current()));
    expectError(res, { status: c.status, code: c.code, ...(c.path === undefined ? {} : { path: c.path }) });
    expect(res.json().details.map((d: { code: string }) => d.code)).toContain(c.detail);
    expect(await snapshot(h)).toEqual(before);
  });
});

describe('valid edge values are accepted', () => {
  const post = (id: string, productId: string, inbound: unknown, extra: Record<string, unknown> = {}) =>
    h.request('POST', ONHAND, event(id, { productId, quantities: { pos: { inbound } }, ...extra }));

  it('negative and fractional quantities add up exactly (0.1 + 0.2 = 0.3)', async () => {
    const productId = 'exact-sums';
    for (const [id, value] of [
      ['exact-1', 0.1],
      ['exact-2', '0.2'],
    ] as const) {
      expect((await post(id, productId, value)).statusCode).toBe(200);
    }
    const url = `${ENV}/onhand?organizationId=usmf&productId=${productId}&siteId=1&locationId=11`;
    const res = await h.request('GET', url);
    expect(res.body).toContain('"inbound":0.3');
    expect(res.body).not.toContain('0.30000000000000004');
    expect(await inboundOf(h, productId)).toBe(0.3);

    expect((await post('exact-3', productId, -3)).statusCode).toBe(200);
    expect((await post('exact-4', productId, 0.25)).statusCode).toBe(200);
    expect(await inboundOf(h, productId)).toBe(-2.45);
    expect((await post('exact-5', productId, '0.000001')).statusCode).toBe(200);
    expect((await h.request('GET', url)).body).toContain('"inbound":-2.449999');
  });

  it.each([
    ['1e12', 1e12, 1e12],
    ['-1e12', -1e12, -1e12],
    ['"1e3"', '1e3', 1000],
    ['" 10 "', ' 10 ', 10],
    ['"+5"', '+5', 5],
    ['"1.0000000" (trailing zeros)', '1.0000000', 1],
    ['0 (a no-op change)', 0, 0],
  ])('quantity %s is accepted', async (label, value, expected) => {
    const productId = `edge-${label}`;
    const res = await post(`edge-${label}`, productId, value);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: `edge-${label}`,
      processingStatus: 'success',
      message: '',
      statusCode: 200,
    });
    expect(await inboundOf(h, productId)).toBe(expected);
  });

  it('ids and dimension values of exactly 256 characters are accepted', async () => {
    const id = long(256, 'i');
    const productId = long(256, 'p');
    const res = await h.request(
      'POST',
      ONHAND,
      event(id, { productId, dimensions: { siteId: '1', locationId: '11', colorId: long(256, 'c') } }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().id).toBe(id);
    const rows: RowJson[] = (
      await h.request('POST', INDEX, query({ productId: [productId] }, { groupByValues: ['colorId'] }))
    ).json();
    expect(rows.map((r) => r.dimensions.ColorId)).toEqual([long(256, 'c')]);
  });

  it('unicode ids and values (emoji, CJK, RTL) are accepted and returned unchanged', async () => {
    const organizationId = 'مؤسسة';
    const productId = '产品-😀-שלום';
    const dimensions = { siteId: 'שלום', locationId: '倉庫', colorId: '🔴', sizeId: 'Größe-XL' };
    const id = 'ü-😀-中文-עברית';
    const res = await h.request('POST', ONHAND, event(id, { organizationId, productId, dimensions }));
    expect(res.statusCode).toBe(200);
    expect(res.json().id).toBe(id);

    const expectedRow = {
      productId,
      dimensions: { ColorId: '🔴', SizeId: 'Größe-XL', siteid: 'שלום', locationid: '倉庫' },
    };
    const byPost: RowJson[] = (
      await h.request('POST', INDEX, {
        filters: {
          organizationId: [organizationId],
          productId: [productId],
          siteId: ['שלום'],
          locationId: ['倉庫'],
          colorId: ['🔴'],
        },
        groupByValues: ['colorId', 'sizeId'],
      })
    ).json();
    expect(byPost).toMatchObject([expectedRow]);
    expect(byPost[0]!.quantities.pos!.inbound).toBe(1);

    const params = new URLSearchParams({
      organizationId,
      productId,
      siteId: 'שלום',
      groupBy: 'colorId,sizeId',
    });
    const byGet: RowJson[] = (await h.request('GET', `${ENV}/onhand?${params}`)).json();
    expect(byGet).toMatchObject([expectedRow]);

    const exact: RowJson[] = (
      await h.request('POST', EXACT, {
        filters: {
          organizationId: [organizationId],
          productId: [productId],
          dimensions: ['siteId', 'locationId', 'colorId', 'sizeId'],
          values: [['שלום', '倉庫', '🔴', 'Größe-XL']],
        },
      })
    ).json();
    expect(exact).toMatchObject([expectedRow]);
    expect((await h.request('GET', `${ENV}/allpartitionids`)).json()).toContain('مؤسسة~שלום~倉庫');
  });
});

describe('ids that can never have been stored are not even looked up', () => {
  it('answers a NUL in a reservation id, a client id or an adjustment line id as unknown, on every backend', async () => {
    const get = await h.request('GET', `${ENV}/onhand/reservations/%00abc`);
    expect(get.statusCode).toBe(404);
    expect(get.json().code).toBe('reservation_not_found');
    const extend = await h.request('POST', `${ENV}/onhand/reservations/%00abc/extend`, { ttlSeconds: 5 });
    expect(extend.statusCode).toBe(404);
    // A partition hint that decodes to a NUL (Citus reads the hinted shard first) is no hint.
    const forged = await h.request('GET', `${ENV}/onhand/reservations/r1.AA`);
    expect(forged.statusCode, forged.body).toBe(404);
    expect(forged.json().code).toBe('reservation_not_found');
    const token = await h.request('POST', '/oauth2/token', undefined, {
      token: null,
      rawBody: 'grant_type=client_credentials&client_id=%00x&client_secret=y',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(token.statusCode).toBe(401);
    expect(token.json().code).toBe('invalid_client');
    const sync = await h.request('POST', `${ENV}/transaction/adjustment/syncstatus`, [
      { id: '\u0000', syncStatus: 'Sent' },
      { id: 'a\u0000b', syncStatus: 'FnOSyncEnqueued' },
    ]);
    expect(sync.statusCode, sync.body).toBe(200);
    expect(sync.json().notFound).toMatchObject([
      { id: 'a\u0000b', code: 'adjustment_not_found', statusCode: 404 },
    ]);
  });
});

describe('the size of an item key', () => {
  it('accepts long multi-byte ids within the key limit and refuses ones beyond it, on every backend', async () => {
    const cjk = (n: number) => '在庫'.repeat(n / 2);
    const fits = await h.request(
      'POST',
      `${ENV}/onhand`,
      event('key-fits', { productId: cjk(256), organizationId: 'usmf' }),
    );
    expect(fits.statusCode, fits.body).toBe(200);
    const tooLong = event('key-too-long', {
      organizationId: cjk(200),
      productId: cjk(256),
      dimensions: { siteId: cjk(100), locationId: '11', colorId: 'red' },
    });
    const before = await snapshot(h);
    const refused = await h.request('POST', `${ENV}/onhand`, tooLong);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().code).toBe('value_too_long');
    expect(await snapshot(h)).toEqual(before);
  });
});
