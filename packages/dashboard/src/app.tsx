import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { Api } from './api.js';
import { Configuration } from './configuration.js';
import { Environments } from './environments.js';
import { Explorer } from './explorer.js';
import { FeedBus } from './feed.js';
import { Live } from './live.js';
import { Locations } from './locations.js';
import { Operations } from './operations.js';
import { Product } from './product.js';
import { Reservations } from './reservations.js';
import { href, navigate, useRoute } from './router.js';
import { type Identity, keepToken, type Session, SessionContext, storedToken } from './session.js';
import { SignIn } from './signin.js';

const SCREENS = [
  ['explorer', 'Stock explorer'],
  ['live', 'Live changes'],
  ['reservations', 'Reservations'],
  ['configuration', 'Configuration'],
  ['locations', 'Locations'],
  ['operations', 'Operations'],
] as const;

/** The dashboard: sign-in, then the screens of the chosen environment. */
export function App() {
  const [token, setToken] = useState<string | null>(storedToken);
  const [me, setMe] = useState<Identity | null>(null);
  const [message, setMessage] = useState('');
  const signOut = useCallback(() => {
    keepToken(null);
    setToken(null);
    setMe(null);
    navigate('');
  }, []);
  const api = useMemo(() => (token ? new Api(token, signOut) : null), [token, signOut]);
  const loadMe = useCallback(() => {
    api?.get<Identity>('/api/me').then(setMe, signOut);
  }, [api, signOut]);
  useEffect(loadMe, [loadMe]);
  if (!token || !api) {
    return (
      <SignIn
        onToken={(t, keep) => {
          keepToken(keep ? t : null);
          setToken(t);
        }}
      />
    );
  }
  if (!me) return <p role="status">Signing in…</p>;
  return (
    <Shell api={api} me={me} signOut={signOut} reload={loadMe} message={message} announce={setMessage} />
  );
}

function Shell(props: {
  api: Api;
  me: Identity;
  signOut: () => void;
  reload: () => void;
  message: string;
  announce: (m: string) => void;
}) {
  const { api, me, signOut, reload, message, announce } = props;
  const route = useRoute();
  const environmentId = route.environmentId;
  const role = me.environments.find((e) => e.environmentId === environmentId)?.role;
  const feed = useMemo(
    () => (environmentId && role ? new FeedBus(api, environmentId) : null),
    [api, environmentId, role],
  );
  useEffect(() => () => feed?.close(), [feed]);
  useEffect(() => {
    const heading = document.querySelector<HTMLElement>('main h1');
    heading?.setAttribute('tabindex', '-1');
    heading?.focus({ preventScroll: true });
  }, [route.screen, environmentId]);
  const session: Session | null = feed ? { api, me, environmentId, role, feed, announce } : null;
  return (
    <>
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header class="top">
        <a class="brand" href="#/">
          Onhand
        </a>
        <label class="env-picker">
          Environment
          <select
            value={environmentId}
            onChange={(e) => navigate((e.target as HTMLSelectElement).value, route.screen || 'explorer')}
          >
            <option value="">(choose)</option>
            {me.environments
              .filter((e) => e.exists)
              .map((e) => (
                <option key={e.environmentId} value={e.environmentId}>
                  {e.environmentId}
                </option>
              ))}
          </select>
        </label>
        <span class="who">
          {me.clientId}
          {role ? ` (${role})` : ''}
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      {session && (
        <nav aria-label="Screens" class="screens">
          {SCREENS.map(([screen, label]) => (
            <a
              key={screen}
              href={href(environmentId, screen)}
              aria-current={route.screen === screen ? 'page' : undefined}
            >
              {label}
            </a>
          ))}
        </nav>
      )}
      <main id="main" tabIndex={-1}>
        {session ? (
          <SessionContext.Provider value={session}>
            <Screen screen={route.screen} args={route.args} />
          </SessionContext.Provider>
        ) : (
          <SessionContext.Provider
            value={{ api, me, environmentId: '', role: undefined, feed: null as never, announce }}
          >
            {environmentId && <p role="alert">This client may not use environment {environmentId}.</p>}
            <Environments onChanged={reload} />
          </SessionContext.Provider>
        )}
      </main>
      <div class="sr-only" role="status" aria-live="polite">
        {message}
      </div>
    </>
  );
}

function Screen({ screen, args }: { screen: string; args: readonly string[] }) {
  switch (screen) {
    case 'product':
      return <Product organizationId={args[0] ?? ''} productId={args[1] ?? ''} />;
    case 'live':
      return <Live />;
    case 'reservations':
      return <Reservations />;
    case 'configuration':
      return <Configuration />;
    case 'locations':
      return <Locations />;
    case 'operations':
      return <Operations />;
    default:
      return <Explorer />;
  }
}
