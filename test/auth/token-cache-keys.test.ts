import { afterEach, beforeEach, expect, it } from 'vitest';
import { AuthService } from '../../src/auth/auth-service.js';
import { type AuthFixture, openAuthFixture } from '../auth/auth-fixture.js';

/*
 * The token cache is keyed by the header in its usual form, `Bearer <token>`. The header may pad the
 * token with spaces (and write the scheme in any case): one token sent padded many ways (a storefront's
 * public browser key, say) must still take one entry, not one per spelling, or it would fill the cache
 * with headers of up to 16 KiB each and push every other client's entry out.
 */
let f: AuthFixture;
beforeEach(async () => {
  f = await openAuthFixture();
});
afterEach(async () => {
  await f.close();
});

it('one token occupies one cache entry however many ways its header is padded', async () => {
  const { clientId, secret } = await f.auth.createClient({ environments: ['a'], admin: false });
  const token = (
    await f.auth.token({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret })
  ).access_token;
  const auth = new AuthService({
    store: f.store,
    tokens: f.tokens,
    clock: f.clock.now,
    cache: { maxEntries: 3 },
  });
  const victim = await f.auth.createClient({ environments: ['a'], admin: false });
  const victimToken = (
    await f.auth.token({
      grant_type: 'client_credentials',
      client_id: victim.clientId,
      client_secret: victim.secret,
    })
  ).access_token;
  await auth.authenticate(`Bearer ${victimToken}`); // the victim's entry
  // One attacker token, padded three ways (the padding could be ~16 KiB each).
  for (const pad of [1, 2, 3]) await auth.authenticate(`Bearer ${token}${' '.repeat(pad * 5000)}`);
  // The victim is revoked by another process: this process trusts its cache entry for up to 60 s,
  // so a refusal here shows that the entry was evicted by the attacker's padded headers.
  await f.otherProcess().revokeClient(victim.clientId);
  await expect(auth.authenticate(`Bearer ${victimToken}`)).resolves.toMatchObject({
    clientId: victim.clientId,
  });
});
