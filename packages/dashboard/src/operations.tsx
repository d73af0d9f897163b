import { useEffect, useState } from 'preact/hooks';
import { DataTable } from './data-table.js';
import { useSession } from './session.js';
import { WebhookLag } from './webhook-lag.js';

const KEY_METRICS = [
  'http_request_duration_seconds_count',
  'onhand_',
  'process_resident_memory_bytes',
  'nodejs_eventloop_lag_seconds',
];

/**
 * Health (liveness, readiness), the feed's state, a few key metrics and the webhook subscriptions with
 * their lag, refreshed every 10 s.
 */
export function Operations() {
  const { feed } = useSession();
  const [health, setHealth] = useState<{ ping: string; ready: string }>({ ping: '…', ready: '…' });
  const [metrics, setMetrics] = useState<{ name: string; value: string }[]>([]);
  const [refresh, setRefresh] = useState(0);
  useEffect(() => {
    const load = async () => {
      const status = async (path: string) => {
        try {
          const response = await fetch(path, { cache: 'no-store' });
          return response.ok ? 'ok' : `failing (${response.status})`;
        } catch {
          return 'unreachable';
        }
      };
      setHealth({ ping: await status('/health/ping'), ready: await status('/readyz') });
      setRefresh((n) => n + 1);
      try {
        const text = await (await fetch('/metrics', { cache: 'no-store' })).text();
        const totals = new Map<string, number>();
        for (const line of text.split('\n')) {
          if (line.startsWith('#') || line.trim() === '') continue;
          const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
          if (!match?.[1] || !KEY_METRICS.some((k) => match[1]?.startsWith(k))) continue;
          if (match[1].endsWith('_bucket')) continue;
          totals.set(match[1], (totals.get(match[1]) ?? 0) + Number(match[3]));
        }
        setMetrics(
          [...totals.entries()].map(([name, value]) => ({
            name,
            value: String(Math.round(value * 1000) / 1000),
          })),
        );
      } catch {
        setMetrics([]);
      }
    };
    void load();
    const timer = setInterval(() => void load(), 10_000);
    return () => clearInterval(timer);
  }, []);
  return (
    <section aria-labelledby="ops-title">
      <h1 id="ops-title">Operations</h1>
      <dl class="health">
        <dt>Liveness (/health/ping)</dt>
        <dd class={health.ping === 'ok' ? 'ok' : 'bad'}>{health.ping}</dd>
        <dt>Readiness (/readyz: the database answers)</dt>
        <dd class={health.ready === 'ok' ? 'ok' : 'bad'}>{health.ready}</dd>
        <dt>Change feed of this environment</dt>
        <dd class={feed.state === 'live' ? 'ok' : 'bad'}>{feed.state}</dd>
      </dl>
      <DataTable
        caption="Key metrics (sums over labels)"
        columns={[
          { key: 'name', label: 'Metric' },
          { key: 'value', label: 'Value', numeric: true },
        ]}
        rows={metrics}
      />
      <WebhookLag refresh={refresh} />
      <p class="muted">All metrics are at /metrics.</p>
    </section>
  );
}
