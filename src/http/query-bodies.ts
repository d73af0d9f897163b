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

/** A body whose text was seen before in an environment: what checking it gave then. */
class KnownBody {
  constructor(readonly value: unknown) {}
}

/** The bodies of one text, by environment. */
class KnownText {
  /** Asked for since it was last passed over for eviction (a second chance, as in CLOCK). */
  used = false;
  readonly byEnvironment = new Map<string, KnownBody>();
}

/**
 * The checked form of query bodies seen before, keyed by exact text and environment
 * (docs/storefront.md, "Queries asked again"). A storefront asks the same few questions over and over;
 * for a body seen before, the JSON parse and the schema check (with its key-case canonicalisation) are
 * skipped and the same frozen value is handed on, so the engine also reuses its plan
 * (engine/queries/plan-cache.ts). Only a body that parsed and passed `check` is remembered: a bad body
 * is parsed and refused every time, with the same error. Each environment has its own entry, so one
 * tenant's bodies are never another's. At most `max` bodies are kept, every environment together.
 */
export class QueryBodies<T> {
  readonly #known = new Map<string, KnownText>();
  #size = 0;

  constructor(
    private readonly check: (body: unknown) => T,
    private readonly max = QUERY_BODIES_KEPT,
  ) {}

  /** Bodies remembered now. */
  get size(): number {
    return this.#size;
  }

  /** The remembered body of this text in the request's environment (content-type parser). */
  recall(request: FastifyRequest, text: string): KnownBody | undefined {
    if (this.max <= 0 || text.length > QUERY_BODY_MAX_CHARS) return undefined;
    const known = this.#known.get(text);
    const body = known?.byEnvironment.get(request.environmentId);
    if (body === undefined) request.queryBodyText = text;
    else (known as KnownText).used = true;
    return body;
  }

  /** The request's body, checked (handler): remembered from before, or checked now and remembered. */
  take(request: FastifyRequest): T {
    const body = request.body;
    if (body instanceof KnownBody) return body.value as T;
    const value = deepFreeze(this.check(body));
    const text = request.queryBodyText;
    if (text !== null) this.#remember(text, request.environmentId, new KnownBody(value));
    return value;
  }

  #remember(text: string, environmentId: string, body: KnownBody): void {
    let known = this.#known.get(text);
    if (known === undefined) {
      known = new KnownText();
      this.#known.set(text, known);
    }
    if (!known.byEnvironment.has(environmentId)) this.#size++;
    known.byEnvironment.set(environmentId, body);
    while (this.#size > this.max) this.#evictOne();
  }

  /**
   * Drops the bodies of the oldest text not asked for since it was last passed over; the ones passed
   * over go to the end, unmarked (CLOCK: nearly least-recently-used, without moving an entry on every
   * hit).
   */
  #evictOne(): void {
    for (const [text, known] of this.#known) {
      this.#known.delete(text);
      if (!known.used) {
        this.#size -= known.byEnvironment.size;
        return;
      }
      known.used = false;
      this.#known.set(text, known);
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
