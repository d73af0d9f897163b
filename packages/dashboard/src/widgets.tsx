import { useEffect, useState } from 'preact/hooks';
import { Api, type ApiError } from './api.js';
import type { RuntimeConfiguration } from './configuration-model.js';
import { useSession } from './session.js';

/** An API error, with the field paths it names. role="alert" so screen readers hear it. */
export function ErrorBox({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return (
    <div class="error" role="alert">
      <strong>{error.code}</strong>: {error.message}
      {error.details.length > 0 && (
        <ul>
          {error.details.map((d, i) => (
            <li key={i}>
              <code>{d.path || '/'}</code> {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

let cached: { key: string; config: RuntimeConfiguration; at: number } | undefined;

/** The environment's runtime configuration (cached for a few seconds across screens). */
export function useConfiguration(reloadKey = 0): RuntimeConfiguration | null {
  const { api, environmentId } = useSession();
  const [config, setConfig] = useState<RuntimeConfiguration | null>(
    cached?.key === environmentId && reloadKey === 0 ? cached.config : null,
  );
  useEffect(() => {
    let live = true;
    if (cached?.key === environmentId && Date.now() - cached.at < 5000 && reloadKey === 0) {
      setConfig(cached.config);
      return;
    }
    api
      .get<RuntimeConfiguration>(`${Api.env(environmentId)}/configuration`)
      .then((c) => {
        cached = { key: environmentId, config: c, at: Date.now() };
        if (live) setConfig(c);
      })
      .catch(() => live && setConfig(null));
    return () => {
      live = false;
    };
  }, [api, environmentId, reloadKey]);
  return config;
}

/** Forgets the cached configuration (after an edit). */
export function forgetConfiguration(): void {
  cached = undefined;
}

/** The current time, ticking every second (for "time left" columns). */
export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
