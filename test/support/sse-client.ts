/** One server-sent event. */
export interface SseEvent {
  readonly id?: string;
  readonly event: string;
  readonly data: string;
}

/** A follower of an SSE endpoint over fetch streaming (as a browser without EventSource would). */
export interface SseFollower {
  readonly status: number;
  readonly events: SseEvent[];
  /** Resolves once `count` `entry` events have arrived (rejects after `timeoutMs`). */
  entries(count: number, timeoutMs?: number): Promise<SseEvent[]>;
  /** Resolves once `count` events of kind `event` have arrived (rejects after `timeoutMs`). */
  eventsOf(event: string, count: number, timeoutMs?: number): Promise<SseEvent[]>;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

/** Connects to `url`; for a refused request (4xx) `events` stays empty and `body` holds the answer. */
export async function follow(
  url: string,
  headers: Record<string, string> = {},
): Promise<SseFollower & { body: string }> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  if (!response.ok || !response.body) {
    const body = await response.text();
    return {
      status: response.status,
      events,
      body,
      entries: async () => [],
      eventsOf: async () => [],
      ended: Promise.resolve(),
      close: () => {},
    };
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const ended = (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = parse(block);
          if (event) events.push(event);
          for (const wake of waiters) wake();
        }
      }
    } catch {
      // aborted by close()
    } finally {
      for (const wake of waiters) wake();
    }
  })();
  const eventsOf = (kind: string, count: number, timeoutMs = 10_000) =>
    new Promise<SseEvent[]>((resolve, reject) => {
      const matching = () => events.filter((e) => e.event === kind);
      const check = () => {
        if (matching().length >= count) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(matching().slice(0, count));
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(
            `only ${matching().length} of ${count} ${kind} events arrived: ${JSON.stringify(events)}`,
          ),
        );
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return {
    status: response.status,
    body: '',
    events,
    ended,
    close: () => controller.abort(),
    entries: (count, timeoutMs) => eventsOf('entry', count, timeoutMs),
    eventsOf,
  };
}

function parse(block: string): SseEvent | undefined {
  let id: string | undefined;
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0 && id === undefined) return undefined;
  return { ...(id === undefined ? {} : { id }), event, data: data.join('\n') };
}
