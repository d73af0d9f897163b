import type { FastifyReply } from 'fastify';
import { DASHBOARD_CSP } from './dashboard/dashboard-routes.js';

/**
 * Headers every response carries: no MIME sniffing, no framing, no referrer, no cross-origin reads.
 * API answers also get a Content-Security-Policy that allows nothing (they are JSON, never pages);
 * /docs (the interactive OpenAPI page) keeps its scripts; the dashboard (/ui) gets its own strict policy
 * (DASHBOARD_CSP). HSTS belongs to the TLS proxy in front.
 */
export function securityHeaders(reply: FastifyReply, url: string): void {
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cross-origin-resource-policy', 'same-origin');
  const path = url.toLowerCase();
  if (path === '/ui' || path.startsWith('/ui/') || path.startsWith('/ui?')) {
    reply.header('content-security-policy', DASHBOARD_CSP);
  } else if (!path.startsWith('/docs')) {
    reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
  }
}
