import type { FastifyBaseLogger } from 'fastify';
import type { AttemptReport } from '../../engine/webhooks/webhook-ports.js';

/**
 * Logs what the webhook workers report (docs/webhooks.md, "What the server logs"): each failed attempt
 * (warn, with when it is tried again), a subscription marked failing (error), and the first delivered
 * attempt after failures (info), so an operator sees a receiver that is down, and when it came back.
 */
export function logWebhookAttempt(log: FastifyBaseLogger, report: AttemptReport): void {
  const fields = {
    environmentId: report.environmentId,
    webhookId: report.webhookId,
    receiver: report.receiver,
    deliveryId: report.deliveryId,
    attempt: report.attempt,
    httpStatus: report.httpStatus,
    ...(report.error === null ? {} : { error: report.error }),
    ...(report.retryAt === undefined ? {} : { retryAt: report.retryAt }),
  };
  if (report.delivered) log.info(fields, 'webhook receiver reached again: delivered after failed attempts');
  else if (report.retryAt !== undefined) log.warn(fields, 'webhook delivery failed; it will be retried');
  else log.error(fields, 'webhook delivery failed for the whole retry period; the subscription is failing');
}
