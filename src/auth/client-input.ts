import { OnhandError } from '../domain/codes.js';
import type { ClientRecord } from '../store/store.js';

/** A client as shown to callers: everything but the secret hash. */
export type ClientView = Omit<ClientRecord, 'secretHash'>;

/** The environment list that means "every environment". */
export const ALL_ENVIRONMENTS: readonly string[] = Object.freeze(['*']);

const CLIENT_ID = /^[A-Za-z0-9._-]{1,64}$/;
const ENVIRONMENT_ID = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_SECRET_LENGTH = 1024;

/** Checks a client id: 1-64 letters, digits, ".", "_" or "-". Throws OnhandError('invalid_id'). */
/** True for a string that can be a client id (so looking it up makes sense). */
export function isClientId(value: string): boolean {
  return CLIENT_ID.test(value);
}

export function checkClientId(clientId: string): string {
  if (!CLIENT_ID.test(clientId)) {
    throw new OnhandError(
      'invalid_id',
      `Client id "${printable(clientId)}" must be 1-64 letters, digits, ".", "_" or "-".`,
    );
  }
  return clientId;
}

/** Checks a caller-chosen secret: not empty, at most 1024 characters. Throws OnhandError('invalid_request'). */
export function checkSecret(secret: string): string {
  if (secret.length === 0 || secret.length > MAX_SECRET_LENGTH) {
    throw new OnhandError(
      'invalid_request',
      `A client secret must be 1-${MAX_SECRET_LENGTH} characters long.`,
    );
  }
  return secret;
}

/**
 * Normalises an environment list: lower-case, de-duplicated, sorted; any "*" collapses the list to ["*"].
 * Throws OnhandError('invalid_environment_id') for an empty list or a malformed id.
 */
export function normalizeEnvironments(environments: readonly string[]): readonly string[] {
  if (environments.length === 0) {
    throw new OnhandError(
      'invalid_environment_id',
      'A client needs at least one environment (or "*" for all).',
    );
  }
  if (environments.includes('*')) return ALL_ENVIRONMENTS;
  const ids = new Set<string>();
  for (const environment of environments) {
    if (!ENVIRONMENT_ID.test(environment)) {
      throw new OnhandError(
        'invalid_environment_id',
        `Environment id "${printable(environment)}" must be 1-64 letters, digits, ".", "_" or "-".`,
      );
    }
    ids.add(environment.toLowerCase());
  }
  return Object.freeze([...ids].sort());
}

/** Checks one environment id (1-64 letters, digits, ".", "_", "-") and lower-cases it. */
export function checkEnvironmentId(environment: string): string {
  if (!ENVIRONMENT_ID.test(environment)) {
    throw new OnhandError(
      'invalid_environment_id',
      `Environment id "${printable(environment)}" must be 1-64 letters, digits, ".", "_" or "-".`,
    );
  }
  return environment.toLowerCase();
}

/** Drops the secret hash from a stored client. */
export function toClientView(client: ClientRecord): ClientView {
  const { secretHash: _hidden, ...view } = client;
  return view;
}

/** Quotes user input safely inside a message (no control characters, bounded length). */
function printable(value: string): string {
  const cleaned = value.replace(/\p{Cc}/gu, '?');
  return cleaned.length > 70 ? `${cleaned.slice(0, 67)}...` : cleaned;
}
