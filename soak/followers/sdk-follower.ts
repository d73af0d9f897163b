import { AvailabilityCache, OnhandClient } from '../../packages/client/src/index.js';
import type { FollowerLog } from '../checker/model.js';
import { tupleKey } from '../checker/model.js';
import { HOT, ORG } from '../clients/context.js';

/** The SDK's AvailabilityCache on the hot products, through one server (it reconnects when that one dies). */
export class SdkFollower {
  readonly cache: AvailabilityCache;

  constructor(baseUrl: string, environmentId: string, token: () => string) {
    const client = new OnhandClient({ baseUrl, environmentId, credentials: { token } });
    this.cache = new AvailabilityCache({
      client,
      organizationId: ORG,
      productIds: [...new Set(HOT.map((t) => t.productId))],
      siteIds: ['1'],
      locationIds: ['11'],
      reconnectDelayMs: 200,
    });
  }

  position(): string {
    return this.cache.status().position;
  }

  log(name = 'sdk cache'): FollowerLog {
    const values: Record<string, number> = {};
    for (const t of HOT)
      values[tupleKey({ organizationId: ORG, productId: t.productId, dimensions: t.dimensions })] =
        this.cache.available(t.productId, t.dimensions);
    const s = this.cache.status();
    const heard =
      s.lastHeardAt === undefined ? 'never' : `${Math.round((Date.now() - s.lastHeardAt) / 1000)} s ago`;
    const status = `stream ${s.connected ? 'open' : 'closed'}, ${s.loads} loads, ${s.reconnects} reconnects, last heard ${heard}`;
    return { name, kind: 'sdk', after: '0', deliveries: [], position: this.position(), values, status };
  }
}
