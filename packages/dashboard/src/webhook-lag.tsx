import { useEffect, useState } from 'preact/hooks';
import { Api } from './api.js';
import { DataTable } from './data-table.js';
import { allows, useSession } from './session.js';

interface Webhook {
  readonly id: string;
  readonly url: string;
  readonly enabled: boolean;
  readonly status: string;
  readonly failingSince: string | null;
  readonly position: string;
}

interface FeedPage {
  readonly entries: readonly { readonly recordedAt: string }[];
}

/** Entries read to measure how far behind a subscription is: beyond it the lag shows as "1000+". */
const LAG_PAGE = 1000;

/** How long ago an ISO time was, in words short enough for a table cell. */
function ago(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/**
 * The webhook subscriptions of the environment (admins only, as the webhook routes are) with their lag:
 * the feed entries committed after the subscription's position (entries a delivery has not yet handed
 * over or filtered out) and the age of the oldest of them. Refreshed with the operations screen.
 */
export function WebhookLag({ refresh }: { readonly refresh: number }) {
  const { api, environmentId, role } = useSession();
  const [rows, setRows] = useState<Record<string, unknown>[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const admin = allows(role, 'admin');
  useEffect(() => {
    if (!admin) return;
    const base = Api.env(environmentId);
    const load = async () => {
      try {
        const { webhooks } = await api.get<{ webhooks: Webhook[] }>(`${base}/webhooks`);
        const now = Date.now();
        const measured = await Promise.all(
          webhooks.map(async (hook) => {
            const page = await api.get<FeedPage>(
              `${base}/feed?after=${encodeURIComponent(hook.position)}&limit=${LAG_PAGE}`,
            );
            const behind = page.entries.length;
            return {
              id: hook.id,
              url: hook.url,
              state: hook.enabled ? hook.status : 'disabled',
              position: hook.position,
              behind: behind >= LAG_PAGE ? `${LAG_PAGE}+` : String(behind),
              oldest: page.entries[0] ? ago(page.entries[0].recordedAt, now) : '',
              failingSince: hook.failingSince ?? '',
            };
          }),
        );
        setRows(measured);
        setError(null);
      } catch (caught) {
        setError(caught instanceof Error ? caught.message : String(caught));
      }
    };
    void load();
  }, [api, environmentId, admin, refresh]);
  if (!admin) return <p class="muted">Webhook subscriptions are shown to administrators.</p>;
  if (error) return <p class="bad">Webhooks: {error}</p>;
  if (!rows) return <p class="muted">Loading webhooks…</p>;
  return (
    <DataTable
      caption="Webhook subscriptions and their lag"
      columns={[
        { key: 'id', label: 'Subscription' },
        { key: 'url', label: 'URL' },
        { key: 'state', label: 'State' },
        { key: 'position', label: 'Delivered up to' },
        { key: 'behind', label: 'Entries behind', numeric: true },
        { key: 'oldest', label: 'Oldest waiting' },
        { key: 'failingSince', label: 'Failing since' },
      ]}
      rows={rows}
    />
  );
}
