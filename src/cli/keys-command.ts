import { listKeys, rotateKeys } from '../auth/key-ring.js';

/** What `onhand keys` needs. */
export interface KeysCommandDeps {
  readonly dataDir: string;
  readonly out: (line: string) => void;
  readonly now?: () => Date;
}

/** Usage text of `onhand keys`. */
export const KEYS_USAGE = `Usage:
  onhand keys list     Lists the token signing keys (kid, creation time; the last one signs).
  onhand keys rotate   Adds a new signing key. New tokens are signed with it (running servers pick it
                       up within 30 seconds); tokens signed by older keys stay valid until they expire.
                       Keys retired more than 24 hours ago are removed.`;

/** Retired keys are kept for the longest token lifetime (24 h) plus 5 minutes of clock skew. */
export const KEY_RETAIN_SECONDS = 86_400 + 300;

/** Runs `onhand keys <list|rotate>`; returns the exit code (2: usage). */
export async function runKeysCommand(args: string[], deps: KeysCommandDeps): Promise<number> {
  const [sub, ...rest] = args;
  if (rest.length > 0 || (sub !== 'list' && sub !== 'rotate')) {
    deps.out(KEYS_USAGE);
    return sub === 'help' || sub === '--help' ? 0 : 2;
  }
  if (sub === 'rotate') {
    const now = (deps.now ?? (() => new Date()))();
    const { added, removed } = await rotateKeys(deps.dataDir, now, KEY_RETAIN_SECONDS);
    deps.out(`Added signing key ${added.kid}; it signs new tokens from now on.`);
    for (const kid of removed) deps.out(`Removed retired key ${kid} (every token it signed has expired).`);
    return 0;
  }
  const keys = await listKeys(deps.dataDir);
  if (keys.length === 0) {
    deps.out('No signing key yet; the first start creates one.');
    return 0;
  }
  keys.forEach((key, i) => {
    deps.out(`${key.kid}  ${key.createdAt}${i === keys.length - 1 ? '  (signing)' : ''}`);
  });
  return 0;
}
