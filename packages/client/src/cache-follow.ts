import type { AvailabilityCache } from './cache.js';
import type { AvailabilityRecord } from './cache-state.js';
import { errorOf } from './errors.js';
import { type EventSourceConstructor, readSse } from './sse.js';

/** What the follower tells the cache about its connection. */
export interface FollowEvents {
  onOpen(): void;
  /** The stream closed; `reconnecting` when it will be opened again. */
  onClose(reconnecting: boolean): void;
  /** An entry or a heartbeat arrived. */
  onHeard(): void;
}

type Entry = { position: string; kind: string; recordedAt: string; availability: AvailabilityRecord[] };

/** The cache must load again (cursor_expired, a configuration update). */
class Reload extends Error {}

const MAX_FILTERED_PRODUCTS = 100;

/**
 * Follows the change feed for `cache` until the returned function is called: opens the stream after
 * the cache's position, applies each entry, and after a drop opens it again after the last position
 * applied (nothing is missed or applied twice). A 410 cursor_expired, a configuration update or a
 * partition clean-up loads the cache again and follows from the load's position.
 */
export function followFeed(cache: AvailabilityCache, events: FollowEvents): () => void {
  let stopped = false;
  let abort = new AbortController();
  const { options } = cache;
  const transport =
    options.transport ??
    (typeof (globalThis as { document?: unknown }).document === 'undefined' ? 'fetch' : 'eventsource');
  const loop = async () => {
    while (!stopped) {
      abort = new AbortController();
      try {
        if (transport === 'fetch') await overFetch(cache, abort.signal, events);
        else await overEventSource(cache, abort.signal, events);
      } catch (error) {
        if (stopped) break;
        if (!(error instanceof Reload)) options.onError?.(error);
        if (error instanceof Reload || isExpired(error)) {
          try {
            await cache.load();
          } catch (failure) {
            options.onError?.(failure);
          }
        }
      } finally {
        abort.abort();
      }
      events.onClose(!stopped);
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, options.reconnectDelayMs ?? 500));
    }
  };
  void loop();
  return () => {
    stopped = true;
    abort.abort();
  };
}

function streamQuery(cache: AvailabilityCache): Record<string, string | string[]> {
  const { productIds, siteIds, locationIds } = cache.options;
  return {
    after: cache.position,
    // How far the feed went past entries the filter leaves out, so the position stays current.
    progress: 'true',
    ...(productIds.length <= MAX_FILTERED_PRODUCTS ? { productId: [...productIds] } : {}),
    ...(siteIds === undefined || siteIds.length > MAX_FILTERED_PRODUCTS ? {} : { siteId: [...siteIds] }),
    ...(locationIds === undefined || locationIds.length > MAX_FILTERED_PRODUCTS
      ? {}
      : { locationId: [...locationIds] }),
  };
}

function progressed(cache: AvailabilityCache, data: string): void {
  cache.progressed((JSON.parse(data) as { position: string }).position);
}

function applyOrReload(cache: AvailabilityCache, data: string): void {
  if (!cache.apply(JSON.parse(data) as Entry)) throw new Reload('the cache must load again');
}

/** Node and other fetch-streaming runtimes: the stream with the Authorization header. */
async function overFetch(cache: AvailabilityCache, signal: AbortSignal, events: FollowEvents): Promise<void> {
  const url = cache.client.url('/api/environment/{environmentId}/feed/stream', undefined, streamQuery(cache));
  const response = await cache.client.send('GET', url, { accept: 'text/event-stream' }, undefined, 0, signal);
  if (!response.ok || response.body === null) {
    const text = await response.text();
    throw errorOf(response.status, text === '' ? undefined : JSON.parse(text), text);
  }
  events.onOpen();
  await readSse(
    response.body,
    (event) => {
      events.onHeard();
      if (event.event === 'entry') applyOrReload(cache, event.data);
      else if (event.event === 'progress') progressed(cache, event.data);
    },
    events.onHeard,
  );
}

/**
 * Browsers: a single-use ticket (POST …/feed/tickets) and EventSource, which cannot send headers. Every
 * connection takes a new ticket, so the cache reconnects itself (after its last position) instead of
 * letting EventSource retry with a spent ticket. A stream that fails before it opens is taken for an
 * expired cursor (EventSource does not show the status) and the cache loads again: always correct.
 */
async function overEventSource(
  cache: AvailabilityCache,
  signal: AbortSignal,
  events: FollowEvents,
): Promise<void> {
  const Source =
    cache.options.EventSource ?? (globalThis as { EventSource?: EventSourceConstructor }).EventSource;
  if (Source === undefined) throw new Error('No EventSource here: use transport "fetch".');
  const { data } = await cache.client.request('post', '/api/environment/{environmentId}/feed/tickets', {
    body: {},
  });
  const query = { ...streamQuery(cache), ticket: data.ticket };
  const source = new Source(
    cache.client.url('/api/environment/{environmentId}/feed/stream', undefined, query),
  );
  let opened = false;
  await new Promise<void>((resolve, reject) => {
    const close = (error?: unknown) => {
      source.close();
      if (error === undefined) resolve();
      else reject(error);
    };
    signal.addEventListener('abort', () => close());
    source.addEventListener('open', () => {
      opened = true;
      events.onOpen();
    });
    source.addEventListener('entry', (event) => {
      events.onHeard();
      try {
        applyOrReload(cache, event.data);
      } catch (error) {
        close(error);
      }
    });
    source.addEventListener('progress', (event) => {
      events.onHeard();
      progressed(cache, event.data);
    });
    source.onerror = () => close(opened ? undefined : new Reload('the stream did not open'));
  });
}

function isExpired(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'cursor_expired'
  );
}
