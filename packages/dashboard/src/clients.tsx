import { useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.js';
import { DataTable } from './data-table.js';
import { isAllAdmin, type Role, useSession } from './session.js';
import { ErrorBox } from './widgets.js';

interface ClientSummary {
  readonly clientId: string;
  readonly roles: Record<string, Role>;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

/**
 * Clients: admins of every environment list and revoke them; any admin creates one with roles in the
 * environments it administers (the server enforces it). The new secret is shown once.
 */
export function Clients() {
  const { api, me, announce } = useSession();
  const allAdmin = isAllAdmin(me);
  const [clients, setClients] = useState<ClientSummary[]>([]);
  const [again, setAgain] = useState(0);
  const [clientId, setClientId] = useState('');
  const [environment, setEnvironment] = useState(
    me.environments.find((e) => e.role === 'admin')?.environmentId ?? '*',
  );
  const [role, setRole] = useState<Role>('read');
  const [created, setCreated] = useState<{ clientId: string; secret: string } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    if (!allAdmin) return;
    api
      .get<{ clients: ClientSummary[] }>('/api/admin/clients')
      .then((r) => setClients(r.clients))
      .catch((e: unknown) => setError(e instanceof ApiError ? e : null));
  }, [api, allAdmin, again]);
  const fail = (e: unknown) => setError(e instanceof ApiError ? e : new ApiError(0, 'network', String(e)));
  const create = async (e: Event) => {
    e.preventDefault();
    try {
      const body = {
        ...(clientId.trim() ? { clientId: clientId.trim() } : {}),
        roles: { [environment.trim()]: role },
      };
      const answer = await api.post<{ clientId: string; secret: string }>('/api/admin/clients', body);
      setCreated(answer);
      setError(null);
      setClientId('');
      announce(`Client ${answer.clientId} created; copy its secret now.`);
      setAgain((n) => n + 1);
    } catch (failure) {
      fail(failure);
    }
  };
  const revoke = async (id: string) => {
    if (!confirm(`Revoke client ${id}? Its tokens stop working.`)) return;
    try {
      await api.post(`/api/admin/clients/${encodeURIComponent(id)}/revoke`, {});
      announce(`Client ${id} revoked.`);
      setAgain((n) => n + 1);
    } catch (failure) {
      fail(failure);
    }
  };
  const rows = clients.map((c) => ({
    clientId: c.clientId,
    roles: Object.entries(c.roles)
      .map(([env, r]) => `${env}: ${r}`)
      .join(', '),
    createdAt: c.createdAt,
    revokedAt: c.revokedAt ?? '',
  }));
  return (
    <section aria-labelledby="clients-title">
      <h2 id="clients-title">Clients</h2>
      <form class="filters inline" onSubmit={create} aria-label="Create a client">
        <label>
          Client id (optional)
          <input
            name="newClientId"
            value={clientId}
            onInput={(e) => setClientId((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          Environment ("*" for all)
          <input
            name="newClientEnvironment"
            required
            value={environment}
            onInput={(e) => setEnvironment((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          Role
          <select
            name="newClientRole"
            value={role}
            onChange={(e) => setRole((e.target as HTMLSelectElement).value as Role)}
          >
            <option value="read">read</option>
            <option value="write">write</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <button type="submit" class="primary">
          Create client
        </button>
      </form>
      {created && (
        <div class="notice" role="status">
          Client <code>{created.clientId}</code> created. Its secret, shown only now:{' '}
          <code class="secret">{created.secret}</code>
        </div>
      )}
      <ErrorBox error={error} />
      {allAdmin && (
        <DataTable
          caption="Clients"
          columns={[
            { key: 'clientId', label: 'Client' },
            { key: 'roles', label: 'Roles' },
            { key: 'createdAt', label: 'Created' },
            { key: 'revokedAt', label: 'Revoked' },
            { key: 'action', label: 'Action' },
          ]}
          rows={rows}
          cell={(c, row) =>
            c.key === 'action' ? (
              row.revokedAt || row.clientId === me.clientId ? (
                ''
              ) : (
                <button type="button" onClick={() => void revoke(String(row.clientId))}>
                  Revoke <span class="sr-only">{String(row.clientId)}</span>
                </button>
              )
            ) : undefined
          }
        />
      )}
    </section>
  );
}
