import type { FastifyReply } from 'fastify';

/**
 * Headers every response carries: no MIME sniffing, no framing, no referrer, no cross-origin reads.
 * API answers also get a Content-Security-Policy that allows nothing (they are JSON, never pages);
 * /docs (the interactive OpenAPI page) keeps its scripts. HSTS belongs to the TLS proxy in front.
 */
export function securityHeaders(reply: FastifyReply, url: string): void {
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cross-origin-resource-policy', 'same-origin');
  if (!url.toLowerCase().startsWith('/docs')) {
    reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
  }
}
