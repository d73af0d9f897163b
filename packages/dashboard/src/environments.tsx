import { useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.js';
import { Clients } from './clients.js';
import { href } from './router.js';
import { allows, type Identity, isAllAdmin, useSession } from './session.js';
import { ErrorBox } from './widgets.js';

interface EnvironmentSummary {
  readonly environmentId: string;
  readonly version: number;
  readonly updatedAt: string;
}

/** The environments the client may use; admins of every environment create them and manage clients. */
export function Environments({ onChanged }: { onChanged: () => void }) {
  const { api, me, announce } = useSession();
  const allAdmin = isAllAdmin(me);
  const [details, setDetails] = useState<EnvironmentSummary[]>([]);
  const [newId, setNewId] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    if (!allAdmin) return;
    api
      .get<{ environments: EnvironmentSummary[] }>('/api/admin/environments')
      .then((r) => setDetails(r.environments))
      .catch(() => setDetails([]));
  }, [api, allAdmin, me]);
  const create = async (e: Event) => {
    e.preventDefault();
    try {
      await api.post('/api/admin/environments', { environmentId: newId.trim() });
      announce(`Environment ${newId.trim()} created.`);
      setNewId('');
      setError(null);
      onChanged();
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError(0, 'network', String(failure)));
    }
  };
  const version = (id: string) => details.find((d) => d.environmentId === id)?.version;
  return (
    <section aria-labelledby="env-title">
      <h1 id="env-title">Environments</h1>
      <EnvironmentList me={me} version={version} />
      {allAdmin && (
        <form class="filters inline" onSubmit={create} aria-label="Create an environment">
          <label>
            New environment id
            <input
              name="environmentId"
              required
              pattern="[A-Za-z0-9._\-]{1,64}"
              value={newId}
              onInput={(e) => setNewId((e.target as HTMLInputElement).value)}
            />
          </label>
          <button type="submit" class="primary">
            Create environment
          </button>
        </form>
      )}
      <ErrorBox error={error} />
      {Object.values(me.roles).includes('admin') && <Clients />}
    </section>
  );
}

function EnvironmentList({ me, version }: { me: Identity; version: (id: string) => number | undefined }) {
  if (me.environments.length === 0) return <p>This client may not use any environment yet.</p>;
  return (
    <ul class="cards">
      {me.environments.map((e) => (
        <li key={e.environmentId}>
          {e.exists ? (
            <a href={href(e.environmentId, 'explorer')}>{e.environmentId}</a>
          ) : (
            <span>{e.environmentId} (not created yet)</span>
          )}
          <span class="muted">
            {' '}
            role {e.role}
            {allows(e.role, 'admin') && version(e.environmentId) !== undefined
              ? `, configuration v${version(e.environmentId)}`
              : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}
