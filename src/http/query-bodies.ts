import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Most bodies a route remembers (per process, every environment together); the least recent go first. */
export const QUERY_BODIES_KEPT = 4096;
/** Longest body text remembered, in characters: a larger body is parsed and checked every time. */
export const QUERY_BODY_MAX_CHARS = 2048;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's memory of bodies seen before (query routes only). */
    queryBodies?: QueryBodies<unknown>;
  }
  interface FastifyRequest {
    /** The text of a body its route may remember, until the handler has checked it. */
    queryBodyText: string | null;
  }
}

/** A body whose text was seen before: what checking it gave then. */
class KnownBody {
  /** Asked for since it was last passed over for eviction (a second chance, as in CLOCK). */
  used = false;
  constructor(readonly value: unknown) {}
}

/**
 * The checked form of query bodies seen before, keyed by environment and exact text
 * (docs/storefront.md, "Queries asked again"). A storefront asks the same few questions over and over;
 * for a body seen before, the JSON parse and the schema check (with its key-case canonicalisation) are
 * skipped and the same frozen value is handed on, so the engine also reuses its plan
 * (engine/queries/plan-cache.ts). Only a body that parsed and passed `check` is remembered: a bad body
 * is parsed and refused every time, with the same error. The key holds the environment, so one tenant's
 * bodies are never another's.
 */
export class QueryBodies<T> {
  readonly #known = new Map<string, KnownBody>();

  constructor(
    private readonly check: (body: unknown) => T,
    private readonly max = QUERY_BODIES_KEPT,
  ) {}

  /** Bodies remembered now. */
  get size(): number {
    return this.#known.size;
  }

  /** The remembered body of this text in the request's environment (content-type parser). */
  recall(request: FastifyRequest, text: string): KnownBody | undefined {
    if (this.max <= 0 || text.length > QUERY_BODY_MAX_CHARS) return undefined;
    const key = `${request.environmentId}\u0000${text}`;
    const known = this.#known.get(key);
    if (known === undefined) request.queryBodyText = text;
    else known.used = true;
    return known;
  }

  /** The request's body, checked (handler): remembered from before, or checked now and remembered. */
  take(request: FastifyRequest): T {
    const body = request.body;
    if (body instanceof KnownBody) return body.value as T;
    const value = deepFreeze(this.check(body));
    const text = request.queryBodyText;
    if (text !== null) {
      this.#known.set(`${request.environmentId}\u0000${text}`, new KnownBody(value));
      if (this.#known.size > this.max) this.#evictOne();
    }
    return value;
  }

  /**
   * Drops the oldest body not asked for since it was last passed over; the ones passed over go to the
   * end, unmarked (CLOCK: nearly least-recently-used, without moving an entry on every hit).
   */
  #evictOne(): void {
    for (const [key, known] of this.#known) {
      this.#known.delete(key);
      if (!known.used) return;
      known.used = false;
      this.#known.set(key, known);
    }
  }
}

/**
 * Replaces the JSON content-type parser by one that, on routes with `config.queryBodies`, hands a body
 * seen before without parsing it and otherwise keeps its text for the handler; every other body is
 * parsed by Fastify's own JSON parser, with the same settings and errors as before.
 */
export function installQueryBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.decorateRequest('queryBodyText', null);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, raw, done) => {
    const text = raw as string; // parseAs: 'string'
    const known = request.routeOptions.config.queryBodies?.recall(request, text);
    if (known !== undefined) done(null, known);
    else parseJson(request, text, done);
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
