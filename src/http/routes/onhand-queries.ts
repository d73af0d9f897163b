import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { detail, OnhandError } from '../../domain/codes.js';
import type { IndexQueryInput } from '../../domain/query/parse-query.js';
import type { OnHandRow } from '../../domain/query/query-plan.js';
import { apiVersion, type RouteDeps, requireAccess } from '../context.js';
import { serialisedOnce } from '../json.js';
import { QueryBodies } from '../query-bodies.js';
import { ApiVersionHeader, EnvironmentParams, errorResponses } from '../schemas/common.js';
import {
  ExactQuery,
  IndexQuery,
  IndexQueryResult,
  PagingQuery,
  QueryResult,
  UrlQuery,
} from '../schemas/query.js';
import { validator } from '../validation.js';
import { ReadHeaders, readOptions } from './read-options.js';

const checkIndexQuery = validator(IndexQuery);
const checkExactQuery = validator(ExactQuery);
const MAX_PAGE_SIZE = 100_000;
const QueryHeaders = Type.Object({ ...ApiVersionHeader.properties, ...ReadHeaders });

/** On-hand queries (spec §2.7). */
export function onHandQueryRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { engine } = deps;
  // Availability reads: the narrowest role, the one a storefront's browser key holds (docs/security.md).
  const onRequest = requireAccess(deps.auth, { role: 'availability' });
  const tags = ['On-hand queries'];
  // Bodies seen before are not parsed and checked again (http/query-bodies.ts).
  const indexBodies = new QueryBodies(withoutAsOf(checkIndexQuery));
  const exactBodies = new QueryBodies(withoutAsOf(checkExactQuery));

  app.post('/api/environment/:environmentId/onhand/indexquery', {
    onRequest,
    config: { queryBodies: indexBodies },
    schema: {
      tags,
      summary: 'Query on-hand by filters and group-by (Api-Version 1.0; 2.0 pages by warehouse)',
      params: EnvironmentParams,
      querystring: PagingQuery,
      headers: QueryHeaders,
      body: IndexQuery,
      response: { 200: IndexQueryResult, ...errorResponses() },
    },
    handler: async (request, reply) => {
      const { asOf, input } = indexBodies.take(request);
      const options = readOptions(request, reply, asOf);
      if (apiVersion(request) === 1) {
        const rows = await engine.indexQuery(request.environmentId, input, options);
        return serialisedOnce(rows, () => rowsOut(rows, false));
      }
      const { pageNumber, pageSize } = paging(request);
      const page = await engine.indexQueryPage(request.environmentId, input, pageNumber, pageSize, options);
      return {
        Value: rowsOut(page.rows, true),
        nextLink: page.hasMore ? `onhand/indexquery?pageNumber=${pageNumber + 1}&pageSize=${pageSize}` : '',
      };
    },
  });

  app.get('/api/environment/:environmentId/onhand', {
    onRequest,
    schema: {
      tags,
      summary: 'Query on-hand through URL parameters (same result as the POST index query)',
      description:
        'Parameters: organizationId, productId, siteId, locationId, any other dimension, groupBy, returnNegative, dimensionDataSource, QueryATP, ATPFromDate, ATPToDate. Several values: repeat the parameter or separate them with commas.',
      params: EnvironmentParams,
      querystring: UrlQuery,
      headers: Type.Object(ReadHeaders),
      response: { 200: QueryResult, ...errorResponses() },
    },
    handler: async (request, reply) => {
      const options = readOptions(request, reply, asOfFromUrl(request));
      const rows = await engine.indexQuery(request.environmentId, queryFromUrl(request), options);
      return serialisedOnce(rows, () => rowsOut(rows, false));
    },
  });

  app.post('/api/environment/:environmentId/onhand/exactquery', {
    onRequest,
    config: { queryBodies: exactBodies },
    schema: {
      tags,
      summary: 'Query explicit dimension tuples (Api-Version 1.0: filters.dimensions; 2.0: filters.keys)',
      params: EnvironmentParams,
      headers: QueryHeaders,
      body: ExactQuery,
      response: { 200: QueryResult, ...errorResponses() },
    },
    handler: async (request, reply) => {
      const { asOf, input } = exactBodies.take(request);
      const options = readOptions(request, reply, asOf);
      return rowsOut(
        await engine.exactQuery(request.environmentId, input, apiVersion(request), options),
        false,
      );
    },
  });
}

/** A body check that also splits off asOf (an Onhand extension) from the query itself. */
function withoutAsOf<T extends { asOf?: string | undefined }>(
  check: (body: unknown) => T,
): (body: unknown) => { asOf: string | undefined; input: Omit<T, 'asOf'> } {
  return (body) => {
    const { asOf, ...input } = check(body);
    return { asOf, input };
  };
}

/**
 * Rows in the spec's shape; organizationId only in Api-Version 2.0 index queries, which span
 * organizations. ATP rows start with quantitiesByDate (days keyed `yyyy-MM-ddT00:00:00`) and
 * atpQuantities (keyed `yyyy-MM-ddT00:00:00Z`), as the vendor's responses do (spec §3.6).
 */
export function rowsOut(rows: readonly OnHandRow[], withOrganization: boolean): unknown[] {
  return rows.map((row) => ({
    ...(row.quantitiesByDate ? { quantitiesByDate: byDay(row.quantitiesByDate, 'T00:00:00') } : {}),
    ...(row.atpQuantities ? { atpQuantities: byDay(row.atpQuantities, 'T00:00:00Z') } : {}),
    ...(withOrganization ? { organizationId: row.organizationId } : {}),
    productId: row.productId,
    dimensions: row.dimensions,
    quantities: row.quantities,
  }));
}

function byDay<T>(values: Readonly<Record<string, T>>, suffix: string): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [date, value] of Object.entries(values)) out[`${date}${suffix}`] = value;
  return out;
}

export function paging(request: FastifyRequest): { pageNumber: number; pageSize: number } {
  const query = request.query as Record<string, unknown>;
  const read = (name: string, fallback: number, max: number) => {
    const entry = Object.entries(query).find(([k]) => k.toLowerCase() === name.toLowerCase());
    if (entry === undefined) return fallback;
    const value = Number(entry[1]);
    if (!Number.isInteger(value) || value < 1 || value > max) {
      throw new OnhandError('invalid_request', `${name} must be an integer from 1 to ${max}.`, [
        detail('invalid_type', `query:${name}`, `Expected an integer from 1 to ${max}.`),
      ]);
    }
    return value;
  };
  const pageSize = read('pageSize', MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  return { pageNumber: read('pageNumber', 1, Number.MAX_SAFE_INTEGER), pageSize };
}

/** Builds an index query from GET parameters (spec §2.7.3); parameter names are case-insensitive. */
export function queryFromUrl(request: FastifyRequest): IndexQueryInput {
  const filters: Record<string, string[]> = Object.create(null);
  let groupByValues: string[] = [];
  let returnNegative: boolean | undefined;
  let dimensionDataSource: string | undefined;
  const atp: { QueryATP?: boolean; ATPFromDate?: string; ATPToDate?: string } = {};
  for (const [key, raw] of Object.entries(request.query as Record<string, string | string[]>)) {
    if (raw === undefined) continue;
    const values = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split(',')).map((v) => v.trim());
    const lower = key.toLowerCase();
    if (lower === 'asof') continue;
    if (lower === 'groupby' || lower === 'groupbyvalues')
      groupByValues = [...groupByValues, ...values.filter((v) => v !== '')];
    else if (lower === 'returnnegative') returnNegative = parseBoolean(values[0], key);
    else if (lower === 'dimensiondatasource') dimensionDataSource = values[0];
    else if (lower === 'queryatp') atp.QueryATP = parseBoolean(values[0], key);
    else if (lower === 'atpfromdate' && values[0] !== undefined) atp.ATPFromDate = values[0];
    else if (lower === 'atptodate' && values[0] !== undefined) atp.ATPToDate = values[0];
    else
      filters[key] = [
        ...(Object.hasOwn(filters, key) ? (filters[key] ?? []) : []),
        ...values.filter((v) => v !== ''),
      ];
  }
  return {
    filters,
    groupByValues,
    ...atp,
    ...(returnNegative === undefined ? {} : { returnNegative }),
    ...(dimensionDataSource === undefined ? {} : { dimensionDataSource }),
  };
}

/** The asOf parameter of a GET query (an Onhand extension), if given. */
function asOfFromUrl(request: FastifyRequest): string | undefined {
  const entry = Object.entries(request.query as Record<string, string | string[]>).find(
    ([key]) => key.toLowerCase() === 'asof',
  );
  const raw = entry?.[1];
  return Array.isArray(raw) ? raw[raw.length - 1] : raw;
}

function parseBoolean(value: string | undefined, name: string): boolean {
  if (value?.toLowerCase() === 'true') return true;
  if (value?.toLowerCase() === 'false') return false;
  throw new OnhandError('invalid_type', `${name} must be true or false.`, [
    detail('invalid_type', `query:${name}`, 'Expected true or false.'),
  ]);
}
