/**
 * NATS subjects of the feed relay (docs/feed.md, "NATS JetStream"): one subject per environment and
 * product, `{prefix}.{environment}.{product}`, each id escaped into a single subject token.
 *
 * A NATS subject is a list of tokens separated by `.`; a token may not be empty nor contain spaces,
 * and `*` and `>` are wildcards. Ids may contain any of these (product ids are free text, environment
 * ids may contain dots), so each id is escaped, reversibly and one-to-one:
 *
 * - `A`–`Z`, `a`–`z`, `0`–`9`, `-` and `_` stand for themselves, except a `_` at the start of a token;
 * - every other character is written as its UTF-8 bytes, each as `~` and two upper-case hex digits
 *   (`.` → `~2E`, space → `~20`, `~` → `~7E`, `é` → `~C3~A9`); a leading `_` is `~5F`;
 * - the empty id is the token `~`.
 *
 * So a token that starts with `_` is never an escaped id: those are Onhand's own (`_env`, the subject
 * of entries about no single product). Escaping preserves case: ids are compared exactly.
 */

/** The token of entries that are about no single product (configuration.updated, partition clean-ups). */
export const ENVIRONMENT_TOKEN = '_env';

const PLAIN = /^[A-Za-z0-9_-]$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** The subject token that stands for `id`. */
export function escapeToken(id: string): string {
  if (id === '') return '~';
  let token = '';
  for (const char of id) {
    if (PLAIN.test(char) && !(char === '_' && token === '')) token += char;
    else
      for (const byte of encoder.encode(char))
        token += `~${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return token;
}

/** The id a token stands for; undefined when the token is not one escapeToken writes. */
export function unescapeToken(token: string): string | undefined {
  if (token === '~') return '';
  if (token === '' || token.startsWith('_')) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < token.length; ) {
    const char = token.charAt(i);
    if (char === '~') {
      const hex = token.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) return undefined;
      bytes.push(Number.parseInt(hex, 16));
      i += 3;
    } else if (PLAIN.test(char)) {
      bytes.push(char.charCodeAt(0));
      i += 1;
    } else return undefined;
  }
  let id: string;
  try {
    id = decoder.decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
  // One-to-one: only the spelling escapeToken writes is accepted (no "~41" for "A").
  return escapeToken(id) === token ? id : undefined;
}

/** What the subject of an entry depends on. */
export interface SubjectEntry {
  readonly changes: readonly { readonly productId: string }[];
}

/**
 * The subject of an entry of `environmentId`: its product's when every change of the entry is to one
 * product, else (no changes, or changes to several products) the environment's `_env` subject.
 */
export function entrySubject(prefix: string, environmentId: string, entry: SubjectEntry): string {
  const products = new Set(entry.changes.map((c) => c.productId));
  const [product] = products;
  const last = products.size === 1 && product !== undefined ? escapeToken(product) : ENVIRONMENT_TOKEN;
  return `${prefix}.${escapeToken(environmentId)}.${last}`;
}

/** The subjects of every entry of an environment (a consumer's filter): `{prefix}.{environment}.>`. */
export function environmentSubjects(prefix: string, environmentId: string): string {
  return `${prefix}.${escapeToken(environmentId)}.>`;
}

/** What a subject names: the environment, and the product (undefined for the `_env` subject). */
export function parseSubject(
  prefix: string,
  subject: string,
): { environmentId: string; productId: string | undefined } | undefined {
  if (!subject.startsWith(`${prefix}.`)) return undefined;
  const tokens = subject.slice(prefix.length + 1).split('.');
  if (tokens.length !== 2) return undefined;
  const environmentId = unescapeToken(tokens[0] ?? '');
  if (environmentId === undefined) return undefined;
  if (tokens[1] === ENVIRONMENT_TOKEN) return { environmentId, productId: undefined };
  const productId = unescapeToken(tokens[1] ?? '');
  return productId === undefined ? undefined : { environmentId, productId };
}

/**
 * The message id of an entry (header `Nats-Msg-Id`): JetStream drops a message whose id it has seen
 * within the stream's duplicate window. Positions are unique in a database, the environment makes the
 * id unique across the environments of one stream.
 */
export function messageId(environmentId: string, position: number): string {
  return `${escapeToken(environmentId)}:${position}`;
}

/** Whether `prefix` can begin subjects: one or more plain tokens separated by dots. */
export function isSubjectPrefix(prefix: string): boolean {
  return /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix);
}
