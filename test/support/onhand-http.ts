import { expect } from 'vitest';
import type { LedgerJson } from '../api/api-helpers.js';
import type { ServerProcess } from './server-process.js';

/** One answer of a real server: status, JSON body and whether it replayed an event id seen before. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly replayed: boolean;
}

/** A client of one environment of a real `onhand serve` process, with a bearer token. */
export class OnhandHttp {
  constructor(
    readonly server: ServerProcess,
    readonly environment: string,
    readonly bearer: string,
  ) {}

  /** A token of the client-credentials flow. */
  static async token(server: ServerProcess, clientId: string, secret: string): Promise<string> {
    const response = await fetch(`${server.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secret,
      }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  /** A request to a path under /api/environment/{environment}. */
  async call(method: string, path: string, body?: unknown): Promise<HttpAnswer> {
    const response = await fetch(`${this.server.url}/api/environment/${this.environment}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.bearer}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return {
      status: response.status,
      body: await response.json(),
      replayed: response.headers.get('idempotent-replayed') === 'true',
    };
  }

  /** A write that must succeed. */
  async write(path: string, body: unknown): Promise<HttpAnswer> {
    const answer = await this.call('POST', path, body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer;
  }

  /** The whole ledger, paged by position. */
  async ledger(): Promise<LedgerJson[]> {
    const entries: LedgerJson[] = [];
    for (let after = 0; ; ) {
      const answer = await this.call('GET', `/ledger?after=${after}&limit=500`);
      expect(answer.status).toBe(200);
      const page = answer.body as LedgerJson[];
      if (page.length === 0) return entries;
      entries.push(...page);
      after = page[page.length - 1]!.position;
    }
  }

  /** Every row of the products at every site and location, grouped by colour, negative values included. */
  async query(productIds: readonly string[], organizationId = 'usmf'): Promise<unknown> {
    const answer = await this.call('POST', '/onhand/indexquery', {
      filters: { organizationId: [organizationId], productId: productIds },
      groupByValues: ['colorId'],
      returnNegative: true,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const key = (row: unknown) => JSON.stringify(row);
    return (answer.body as unknown[]).sort((a, b) => (key(a) < key(b) ? -1 : 1));
  }
}
