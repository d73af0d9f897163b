/**
 * The other process of W7s (bench/workloads/w7-sdk-lag.ts): an AvailabilityCache of the SDK on the
 * marker product, printing `WALLCLOCK_MS VALUE` each time available() changes. Settings from the
 * environment: ONHAND_BENCH_URL, ONHAND_BENCH_TOKEN, ONHAND_BENCH_ENV.
 */
import { AvailabilityCache, OnhandClient } from '../packages/client/src/index.js';

const client = new OnhandClient({
  baseUrl: process.env.ONHAND_BENCH_URL ?? '',
  environmentId: process.env.ONHAND_BENCH_ENV ?? '',
  credentials: { token: process.env.ONHAND_BENCH_TOKEN ?? '' },
});
let last = Number.NaN;
const cache = new AvailabilityCache({
  client,
  organizationId: 'usmf',
  productIds: ['LAG'],
  locationIds: ['99'],
  onChange: () => {
    const value = cache.available('LAG');
    if (value !== last) {
      last = value;
      process.stdout.write(`${performance.timeOrigin + performance.now()} ${value}\n`);
    }
  },
});
await cache.start();
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  cache.stop();
  process.exit(0);
});
