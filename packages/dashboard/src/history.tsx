import { useEffect, useState } from 'preact/hooks';
import { Api, ApiError } from './api.js';
import { DataTable } from './data-table.js';
import type { FeedEntry } from './feed.js';
import { useSession } from './session.js';
import { ErrorBox } from './widgets.js';

/**
 * The product's history from the change feed (GET …/feed?productId=), newest first, and an "as of"
 * slider: moving it to an entry shows availability as of that entry's position (the queries' asOf).
 */
export function History(props: {
  organizationId: string;
  productId: string;
  asOf: string | null;
  onAsOf: (position: string | null) => void;
  version: number;
}) {
  const { organizationId, productId, asOf, onAsOf, version } = props;
  const { api, environmentId } = useSession();
  const [entries, setEntries] = useState<FeedEntry[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    (async () => {
      const found: FeedEntry[] = [];
      let after = '0';
      for (let page = 0; page < 20; page++) {
        const query = new URLSearchParams({ after, limit: '1000', productId });
        const answer = await api.get<{ entries: FeedEntry[]; next: string }>(
          `${Api.env(environmentId)}/feed?${query}`,
        );
        found.push(
          ...answer.entries.filter((e) => e.changes.some((c) => c.organizationId === organizationId)),
        );
        if (answer.next === after || answer.entries.length === 0) break;
        after = answer.next;
      }
      if (live) {
        setEntries(found);
        setError(null);
      }
    })().catch(
      (e: unknown) => live && setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e))),
    );
    return () => {
      live = false;
    };
  }, [api, environmentId, organizationId, productId, version]);

  const index =
    asOf === null ? entries.length : Math.max(0, entries.findIndex((e) => e.position === asOf) + 1);
  const chosen = index > 0 && index < entries.length ? entries[index - 1] : undefined;
  const rows = [...entries].reverse().map((e) => ({
    position: e.position,
    recordedAt: e.recordedAt,
    kind: e.kind,
    eventId: e.eventId ?? '',
    clientId: e.clientId ?? '(service)',
    changes: e.changes
      .filter((c) => c.productId === productId)
      .map(
        (c) =>
          `${c.dataSource}.${c.measure} ${String(c.delta).startsWith('-') ? '' : '+'}${c.delta}${c.date ? ` on ${c.date}` : ''}`,
      )
      .join('; '),
  }));
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <ErrorBox error={error} />
      {entries.length > 0 && (
        <div class="slider">
          <label for="as-of">As of</label>
          <input
            id="as-of"
            type="range"
            min={1}
            max={entries.length}
            value={index}
            aria-valuetext={chosen ? `position ${chosen.position}, ${chosen.recordedAt}` : 'now'}
            onInput={(e) => {
              const i = Number((e.target as HTMLInputElement).value);
              onAsOf(i >= entries.length ? null : (entries[i - 1]?.position ?? null));
            }}
          />
          <output for="as-of">{chosen ? `position ${chosen.position} (${chosen.recordedAt})` : 'now'}</output>
          {asOf !== null && (
            <button type="button" onClick={() => onAsOf(null)}>
              Back to now
            </button>
          )}
        </div>
      )}
      <DataTable
        caption={`History of ${productId}`}
        columns={[
          { key: 'position', label: 'Position' },
          { key: 'recordedAt', label: 'Recorded' },
          { key: 'kind', label: 'Kind' },
          { key: 'eventId', label: 'Event id' },
          { key: 'clientId', label: 'Client' },
          { key: 'changes', label: 'Changes' },
        ]}
        rows={rows}
        pageSize={25}
      />
    </section>
  );
}
