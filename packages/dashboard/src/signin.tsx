import { useState } from 'preact/hooks';
import { ApiError, requestToken } from './api.js';
import { ErrorBox } from './widgets.js';

/** Sign in with a client id and secret (client credentials grant) or a token; the secret is never kept. */
export function SignIn({ onToken }: { onToken: (token: string, keep: boolean) => void }) {
  const [mode, setMode] = useState<'secret' | 'token'>('secret');
  const [clientId, setClientId] = useState('');
  const [secret, setSecret] = useState('');
  const [token, setToken] = useState('');
  const [keep, setKeep] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const t = mode === 'secret' ? await requestToken(clientId.trim(), secret) : token.trim();
      setSecret('');
      onToken(t, keep);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError(0, 'network', String(failure)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin" id="main">
      <h1>Onhand</h1>
      <form onSubmit={submit} aria-labelledby="signin-title">
        <h2 id="signin-title">Sign in</h2>
        <fieldset>
          <legend>With</legend>
          <label class="check">
            <input type="radio" name="mode" checked={mode === 'secret'} onChange={() => setMode('secret')} />
            Client id and secret
          </label>
          <label class="check">
            <input type="radio" name="mode" checked={mode === 'token'} onChange={() => setMode('token')} />
            Access token
          </label>
        </fieldset>
        {mode === 'secret' ? (
          <>
            <label>
              Client id
              <input
                name="clientId"
                autocomplete="username"
                required
                value={clientId}
                onInput={(e) => setClientId((e.target as HTMLInputElement).value)}
              />
            </label>
            <label>
              Client secret
              <input
                name="secret"
                type="password"
                autocomplete="current-password"
                required
                value={secret}
                onInput={(e) => setSecret((e.target as HTMLInputElement).value)}
              />
            </label>
          </>
        ) : (
          <label>
            Access token
            <textarea
              name="token"
              required
              rows={4}
              value={token}
              onInput={(e) => setToken((e.target as HTMLTextAreaElement).value)}
            />
          </label>
        )}
        <label class="check">
          <input
            type="checkbox"
            checked={keep}
            onChange={(e) => setKeep((e.target as HTMLInputElement).checked)}
          />
          Keep me signed in in this tab (session storage; never in the address)
        </label>
        <ErrorBox error={error} />
        <button type="submit" class="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
