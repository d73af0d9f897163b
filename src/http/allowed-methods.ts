import type { RouteOptions } from 'fastify';

/**
 * The methods each registered path answers, so that a request with a method the path does not take
 * gets `405 method_not_allowed` with an `Allow` header instead of `404 not_found` (RFC 9110 §15.5.6).
 * Paths are matched as the router matches them: case-insensitively, ignoring a trailing slash and
 * duplicate slashes; `:name` matches one segment and `*` the rest.
 */
export class AllowedMethods {
  readonly #routes: { pattern: RegExp; methods: Set<string> }[] = [];
  readonly #byUrl = new Map<string, Set<string>>();

  /** An onRoute hook: records the route's methods under its path. */
  readonly record = (route: Pick<RouteOptions, 'method' | 'url'>): void => {
    let methods = this.#byUrl.get(route.url);
    if (!methods) {
      methods = new Set();
      this.#byUrl.set(route.url, methods);
      this.#routes.push({ pattern: patternOf(route.url), methods });
    }
    for (const method of [route.method].flat()) methods.add(method.toUpperCase());
  };

  /** The methods that some route takes at `url` (its path, query string ignored), sorted; [] if none. */
  at(url: string): string[] {
    const path = normalise(url);
    const found = new Set<string>();
    for (const { pattern, methods } of this.#routes) {
      if (pattern.test(path)) for (const method of methods) found.add(method);
    }
    return [...found].sort();
  }
}

function normalise(url: string): string {
  const path = (url.split('?')[0] ?? '').replace(/\/{2,}/g, '/');
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function patternOf(url: string): RegExp {
  const source = normalise(url)
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return '[^/]+';
      return segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
    })
    .join('/');
  return new RegExp(`^${source}$`, 'i');
}
