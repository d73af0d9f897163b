import type { Workload } from '../workload.js';
import { w1BulkIngest } from './w1-bulk-ingest.js';
import { w2SetOnHand } from './w2-set-onhand.js';
import { w3ProductQuery } from './w3-product-query.js';
import { w4HotReservations } from './w4-hot-reservations.js';
import { w5SpreadReservations } from './w5-spread-reservations.js';
import { w6AtpQuery } from './w6-atp-query.js';
import { w7FeedLag } from './w7-feed-lag.js';
import { w7SdkLag } from './w7-sdk-lag.js';
import { w8Webhooks } from './w8-webhooks.js';
import { w9OciAvailability } from './w9-oci-availability.js';

/** Every workload, in the order they run. A new workload is one module added to this list. */
export const WORKLOADS: readonly Workload[] = [
  w1BulkIngest,
  w2SetOnHand,
  w3ProductQuery,
  w4HotReservations,
  w5SpreadReservations,
  w6AtpQuery,
  w7FeedLag,
  w8Webhooks,
  w7SdkLag,
  w9OciAvailability,
];
