import { OnhandError } from '../domain/codes.js';

/** The same error with its detail paths placed under an item's path in its request ("/3"). */
export function withPathPrefix(error: OnhandError, prefix: string): OnhandError {
  if (prefix === '') return error;
  const details = error.details.map((d) => ({ ...d, path: `${prefix}${d.path}` }));
  return new OnhandError(error.code, error.message, details);
}
