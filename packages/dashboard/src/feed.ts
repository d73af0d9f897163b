import { Api, parseExact } from './api.js';

/** One entry of the change feed (docs/feed.md). */
export interface FeedEntry {
  readonly position: string;
  readonly kind: string;
  readonly eventId: string | null;
  readonly clientId: string | null;
  readonly recordedAt: string;
  readonly partitionId: string | null;
  readonly reference: string | null;
  readonly changes: readonly {
    organizationId: string;
    productId: string;
    dimensions: Record<string, string>;
    dataSource: string;
    measure: string;
    delta: string | number;
    date?: string;
  }[];
}

type Listener = (entry: FeedEntry) => void;
type StateListener = (state: 'connecting' | 'live' | 'offline') => void;

/**
 * Follows an environment's change feed over server-sent events. EventSource cannot send a header and a
 * token never goes into a URL, so each connection asks for a single-use ticket first
 * (POST …/feed/tickets); on a drop it reconnects with a fresh ticket after the last position seen.
 */
export class FeedBus {
  readonly recent: FeedEntry[] = [];
  #listeners = new Set<Listener>();
  #stateListeners = new Set<StateListener>();
  #source: EventSource | undefined;
  #last: string | undefined;
  #closed = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  state: 'connecting' | 'live' | 'offline' = 'connecting';

  constructor(
    private readonly api: Api,
    private readonly environmentId: string,
  ) {
    void this.#connect();
  }

  /** Calls `listener` for every entry from now on; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onState(listener: StateListener): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#source?.close();
  }

  #setState(state: 'connecting' | 'live' | 'offline'): void {
    this.state = state;
    for (const listener of this.#stateListeners) listener(state);
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    this.#setState('connecting');
    try {
      const base = Api.env(this.environmentId);
      const { ticket } = await this.api.post<{ ticket: string }>(`${base}/feed/tickets`, {});
      if (this.#closed) return;
      const query = new URLSearchParams({ ticket });
      if (this.#last) query.set('after', this.#last);
      const source = new EventSource(`${base}/feed/stream?${query}`);
      this.#source = source;
      source.addEventListener('open', () => this.#setState('live'));
      source.addEventListener('entry', (event) => this.#receive((event as MessageEvent<string>).data));
      source.addEventListener('error', () => {
        source.close();
        this.#setState('offline');
        this.#retry = setTimeout(() => void this.#connect(), 2000);
      });
    } catch {
      this.#setState('offline');
      this.#retry = setTimeout(() => void this.#connect(), 5000);
    }
  }

  #receive(data: string): void {
    const entry = parseExact(data) as FeedEntry;
    this.#last = entry.position;
    this.recent.unshift(entry);
    if (this.recent.length > 500) this.recent.length = 500;
    for (const listener of this.#listeners) listener(entry);
  }
}

/** Kinds whose entries change availability without naming a product in their changes. */
const NAMES_NO_PRODUCT = new Set(['oci.safetystock', 'oci.segmentation', 'oci.graph']);

/** True when the entry changes the product (or, with no product given, anything of the organization). */
export function touches(entry: FeedEntry, organizationId: string, productId?: string): boolean {
  // Configuration changes, and OCI safety stock, segmentation and location graph entries (which name
  // no product in their changes), may change what any screen shows.
  if (entry.kind.startsWith('configuration.') || NAMES_NO_PRODUCT.has(entry.kind)) return true;
  return entry.changes.some(
    (c) =>
      c.organizationId === organizationId &&
      (productId === undefined || productId === '' || c.productId === productId),
  );
}
