import { useEffect, useState } from 'preact/hooks';

/** A place in the dashboard: #/{environment}/{screen}/{…args}; environment "" is the start page. */
export interface Route {
  readonly environmentId: string;
  readonly screen: string;
  readonly args: readonly string[];
}

/** The route of the current location hash. */
export function currentRoute(): Route {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const [environmentId = '', screen = '', ...args] = parts;
  return { environmentId, screen: screen || (environmentId ? 'explorer' : ''), args };
}

/** Goes to a screen (the hash changes; the back button works). */
export function navigate(environmentId: string, screen = '', ...args: string[]): void {
  const parts = [environmentId, screen, ...args].filter((p, i) => i < 2 || p !== '');
  location.hash = `#/${parts.map(encodeURIComponent).join('/')}`.replace(/\/+$/, '');
}

/** The current route, updated on hash changes. */
export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

/** The href of a route. */
export function href(environmentId: string, screen = '', ...args: string[]): string {
  return `#/${[environmentId, screen, ...args]
    .filter((p) => p !== '')
    .map(encodeURIComponent)
    .join('/')}`;
}
