import { readSse } from '../../packages/client/src/sse.js';

type Listener = (event: { data: string; lastEventId: string }) => void;

/**
 * A stand-in for the browser's EventSource, for tests in Node: it opens the URL with fetch and sends no
 * Authorization header (exactly what EventSource cannot do), so the stream must be opened with a
 * ticket. Records the URLs it opened. It does not reconnect by itself: the cache does.
 */
export class FetchEventSource {
  static readonly opened: string[] = [];
  onerror: ((event: unknown) => void) | null = null;
  readonly #listeners = new Map<string, Listener[]>();
  readonly #abort = new AbortController();

  constructor(url: string) {
    FetchEventSource.opened.push(url);
    void this.#run(url);
  }

  addEventListener(type: string, listener: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.#abort.abort();
  }

  async #run(url: string): Promise<void> {
    try {
      const response = await fetch(url, { signal: this.#abort.signal });
      if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status}`);
      this.#emit('open', { data: '', lastEventId: '' });
      await readSse(response.body, (event) =>
        this.#emit(event.event, { data: event.data, lastEventId: event.id ?? '' }),
      );
      throw new Error('the stream ended');
    } catch (error) {
      if (!this.#abort.signal.aborted) this.onerror?.(error);
    }
  }

  #emit(type: string, event: { data: string; lastEventId: string }): void {
    for (const listener of this.#listeners.get(type) ?? []) listener(event);
  }
}
