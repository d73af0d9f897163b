import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api.js';
import type { FeedBus } from './feed.js';

/** A role in an environment. */
export type Role = 'read' | 'write' | 'admin';

/** GET /api/me. */
export interface Identity {
  readonly clientId: string;
  readonly roles: Readonly<Record<string, Role>>;
  readonly environments: readonly { environmentId: string; role: Role; exists: boolean }[];
  readonly expiresAt: string;
}

/** What every screen gets: the API client, who is signed in, the chosen environment and its feed. */
export interface Session {
  readonly api: Api;
  readonly me: Identity;
  readonly environmentId: string;
  readonly role: Role | undefined;
  readonly feed: FeedBus;
  readonly announce: (message: string) => void;
}

export const SessionContext = createContext<Session | null>(null);

/** The session of the signed-in client (screens render only inside one). */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('no session');
  return session;
}

const RANK: Record<Role, number> = { read: 1, write: 2, admin: 3 };

/** True when `role` allows what needs `needed`. */
export function allows(role: Role | undefined, needed: Role): boolean {
  return role !== undefined && RANK[role] >= RANK[needed];
}

/** True when the client is admin of every environment (the "*" grant). */
export function isAllAdmin(me: Identity): boolean {
  return me.roles['*'] === 'admin';
}

const KEY = 'onhand.dashboard.token';

/** The token kept in this tab's session storage, if the user asked to keep it. */
export function storedToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** Keeps the token in session storage (this tab only, gone when it closes) or forgets it. */
export function keepToken(token: string | null): void {
  try {
    if (token === null) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, token);
  } catch {
    // storage unavailable: the token stays in memory only
  }
}
