import { join } from 'node:path';
import { AuthService } from '../../src/auth/auth-service.js';
import { loadOrCreateSigningKey, type SigningKey } from '../../src/auth/signing-key.js';
import { TokenService } from '../../src/auth/token-service.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { FakeClock, tempDir } from './test-helpers.js';

/** An AuthService over a real SQLite store in a temporary directory, with a fake clock. */
export interface AuthFixture {
  readonly dir: string;
  readonly store: SqliteStore;
  readonly key: SigningKey;
  readonly clock: FakeClock;
  readonly tokens: TokenService;
  readonly auth: AuthService;
  /** Another AuthService on the same database, as a second server process would have. */
  readonly otherProcess: () => AuthService;
  readonly close: () => Promise<void>;
}

export async function openAuthFixture(): Promise<AuthFixture> {
  const { dir, remove } = await tempDir();
  const store = await SqliteStore.open({ file: join(dir, 'onhand.db') });
  await store.migrate();
  const key = await loadOrCreateSigningKey(dir);
  const clock = new FakeClock();
  const tokens = new TokenService({ key, clock: clock.now });
  const auth = new AuthService({ store, tokens, clock: clock.now });
  return {
    dir,
    store,
    key,
    clock,
    tokens,
    auth,
    otherProcess: () => new AuthService({ store, tokens, clock: clock.now }),
    close: async () => {
      await store.close();
      await remove();
    },
  };
}
