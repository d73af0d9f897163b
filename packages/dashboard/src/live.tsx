import { useEffect, useState } from 'preact/hooks';
import { DataTable } from './data-table.js';
import type { FeedEntry } from './feed.js';
import { href } from './router.js';
import { useSession } from './session.js';

/** The change feed as it arrives (server-sent events), filterable by product, kind and client. */
export function Live() {
  const { feed, environmentId } = useSession();
  const [entries, setEntries] = useState<FeedEntry[]>(() => [...feed.recent]);
  const [state, setState] = useState(feed.state);
  const [product, setProduct] = useState('');
  const [kind, setKind] = useState('');
  useEffect(() => {
    const off = feed.subscribe(() => setEntries([...feed.recent]));
    const offState = feed.onState(setState);
    return () => {
      off();
      offState();
    };
  }, [feed]);
  const shown = entries.filter(
    (e) =>
      (product === '' || e.changes.some((c) => c.productId.toLowerCase().includes(product.toLowerCase()))) &&
      (kind === '' || e.kind.startsWith(kind)),
  );
  const kinds = [...new Set(entries.map((e) => e.kind))].sort();
  const rows = shown.map((e) => ({
    position: e.position,
    recordedAt: e.recordedAt,
    kind: e.kind,
    eventId: e.eventId ?? '',
    clientId: e.clientId ?? '(service)',
    products: [...new Set(e.changes.map((c) => `${c.organizationId}\u0000${c.productId}`))].join('|'),
    changes: e.changes.map((c) => `${c.productId} ${c.dataSource}.${c.measure} ${c.delta}`).join('; '),
  }));
  return (
    <section aria-labelledby="live-title">
      <h1 id="live-title">Live changes</h1>
      <p>
        Feed: <strong class={`state-${state}`}>{state}</strong>. New entries appear at the top as they are
        committed.
      </p>
      <div class="filters inline">
        <label>
          Product contains
          <input value={product} onInput={(e) => setProduct((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value)}>
            <option value="">(all)</option>
            {['onhand.', 'reservation.', 'allocation.', 'schedule.', 'configuration.'].map((k) => (
              <option key={k} value={k}>
                {k}*
              </option>
            ))}
            {kinds.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div aria-live="polite" class="sr-only">
        {shown[0] ? `Latest: ${shown[0].kind} at position ${shown[0].position}` : ''}
      </div>
      <DataTable
        caption="Change feed entries"
        columns={[
          { key: 'position', label: 'Position' },
          { key: 'recordedAt', label: 'Recorded' },
          { key: 'kind', label: 'Kind' },
          { key: 'eventId', label: 'Event id' },
          { key: 'clientId', label: 'Client' },
          { key: 'products', label: 'Products' },
          { key: 'changes', label: 'Changes' },
        ]}
        rows={rows}
        cell={(c, row) =>
          c.key === 'products' ? (
            <span>
              {String(row.products)
                .split('|')
                .filter((p) => p !== '')
                .map((p) => {
                  const [org = '', id = ''] = p.split('\u0000');
                  return (
                    <a key={p} class="tag" href={href(environmentId, 'product', org, id)}>
                      {id}
                    </a>
                  );
                })}
            </span>
          ) : undefined
        }
      />
    </section>
  );
}
