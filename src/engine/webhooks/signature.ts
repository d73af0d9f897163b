import { createHmac } from 'node:crypto';
import { secretKey } from '../../domain/webhooks/webhook-definition.js';

/**
 * The `webhook-signature` header of the Standard Webhooks specification: `v1,` and the base64 of
 * HMAC-SHA256, keyed with the secret's bytes (after `whsec_`), over `{id}.{timestamp}.{body}`.
 */
export function signDelivery(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret))
    .update(`${id}.${timestampSeconds}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/** The headers of one attempt: the id and body are the delivery's, the timestamp and signature the attempt's. */
export function deliveryHeaders(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Onhand-Webhooks/1',
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signDelivery(secret, id, timestampSeconds, body),
  };
}
