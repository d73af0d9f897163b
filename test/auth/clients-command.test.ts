import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runClientsCommand } from '../../src/cli/clients-command.js';
import { type AuthFixture, openAuthFixture } from './auth-fixture.js';

let f: AuthFixture;
let lines: string[];
beforeEach(async () => {
  f = await openAuthFixture();
  lines = [];
});
afterEach(async () => {
  await f.close();
});

const run = (...args: string[]) => runClientsCommand(args, { auth: f.auth, out: (line) => lines.push(line) });
const output = () => lines.join('\n');

describe('onhand clients', () => {
  it('create prints the id and the generated secret once, with a warning, and the secret works', async () => {
    expect(await run('create', '--id', 'pos-eu', '--env', 'Env-A, env-b')).toBe(0);
    expect(output()).toContain('client_id:     pos-eu');
    expect(output()).toMatch(/shown only now/);
    const secret = /client_secret: (\S+)/.exec(output())?.[1] ?? '';
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const token = await f.auth.token({
      grant_type: 'client_credentials',
      client_id: 'pos-eu',
      client_secret: secret,
    });
    expect(await f.auth.authenticate(`Bearer ${token.access_token}`)).toMatchObject({
      roles: { 'env-a': 'write', 'env-b': 'write' },
    });
  });

  it('create --all-environments --admin makes an admin client; a given --secret is not echoed', async () => {
    expect(await run('create', '--all-environments', '--admin', '--secret', 'my-own-secret-123')).toBe(0);
    expect(output()).not.toContain('my-own-secret-123');
    const clientId = /client_id: +(\S+)/.exec(output())?.[1] ?? '';
    expect(clientId).toMatch(/^client-[0-9a-f]{8}$/);
    expect(await f.auth.listClients()).toMatchObject([{ clientId, roles: { '*': 'admin' } }]);
  });

  it.each([
    [['create']],
    [['create', '--env', 'a', '--all-environments']],
    [['create', '--env', ',']],
    [['create', '--env', 'a', '--bogus']],
    [['create', '--env']],
    [['revoke']],
    [['revoke', 'a', 'b']],
    [['list', 'extra']],
    [['frobnicate']],
    [[]],
  ])('%j is a usage error (exit 2, usage printed)', async (args) => {
    expect(await run(...args)).toBe(2);
    expect(output()).toContain('Usage:');
    expect(await f.auth.listClients()).toEqual([]);
  });

  it('list prints a table of clients without secrets', async () => {
    expect(await run('list')).toBe(0);
    expect(output()).toBe('No clients.');
    lines = [];
    await run('create', '--id', 'erp', '--env', 'a,b');
    await run('create', '--id', 'admin', '--all-environments', '--admin');
    lines = [];
    expect(await run('list')).toBe(0);
    const created = f.clock.now().toISOString();
    expect(lines).toEqual([
      `ID     ROLES            CREATED${' '.repeat(created.length - 7)}  REVOKED`,
      `admin  *=admin          ${created}  -`,
      `erp    a=write,b=write  ${created}  -`,
    ]);
  });

  it('revoke marks the client revoked; an unknown id exits 1', async () => {
    await run('create', '--id', 'erp', '--env', 'a');
    lines = [];
    expect(await run('revoke', 'erp')).toBe(0);
    expect(output()).toMatch(/Revoked client erp/);
    expect((await f.auth.listClients())[0]?.revokedAt).toBe(f.clock.now().toISOString());
    lines = [];
    expect(await run('revoke', 'nobody')).toBe(1);
    expect(output()).toMatch(/client_not_found/);
  });

  it('create with a taken id exits 1 and prints no secret', async () => {
    await run('create', '--id', 'erp', '--env', 'a');
    lines = [];
    expect(await run('create', '--id', 'erp', '--env', 'a')).toBe(1);
    expect(output()).toMatch(/client_exists/);
    expect(output()).not.toMatch(/client_secret/);
  });

  it('help prints the usage and exits 0', async () => {
    expect(await run('--help')).toBe(0);
    expect(output()).toContain('onhand clients create');
  });
});

describe('onhand clients roles', () => {
  it('create --role, grant and ungrant change what the client may do; tokens follow within the cache window', async () => {
    expect(
      await run(
        'create',
        '--id',
        'bi',
        '--env',
        'prod',
        '--role',
        'read',
        '--secret',
        'bi-secret-0123456789',
      ),
    ).toBe(0);
    expect(output()).toContain('role:          read');
    const { access_token } = await f.auth.token({
      grant_type: 'client_credentials',
      client_id: 'bi',
      client_secret: 'bi-secret-0123456789',
    });
    const principal = await f.auth.authenticate(`Bearer ${access_token}`);
    expect(() => f.auth.requireRole(principal, 'prod', 'write')).toThrow(
      expect.objectContaining({ code: 'forbidden' }),
    );
    lines = [];
    expect(await run('grant', 'bi', 'test', 'write')).toBe(0);
    expect(output()).toBe('Client bi is now write in test.');
    expect((await f.store.getClient('bi'))?.roles).toEqual({ prod: 'read', test: 'write' });
    // A token never gives more than its client holds now: lowering a role reaches issued tokens.
    const wide = await f.auth.token({
      grant_type: 'client_credentials',
      client_id: 'bi',
      client_secret: 'bi-secret-0123456789',
    });
    expect(await run('grant', 'bi', 'test', 'read')).toBe(0);
    const narrowed = await f.auth.authenticate(`Bearer ${wide.access_token}`);
    expect(() => f.auth.requireRole(narrowed, 'test', 'write')).toThrow(
      expect.objectContaining({ code: 'forbidden' }),
    );
    expect(await run('ungrant', 'bi', 'test')).toBe(0);
    expect((await f.store.getClient('bi'))?.roles).toEqual({ prod: 'read' });
    expect(await run('ungrant', 'bi', 'prod')).toBe(1);
    expect(await run('grant', 'bi', 'prod', 'owner')).toBe(2);
    expect(await run('grant', 'nobody', 'prod', 'read')).toBe(1);
  });

  it('create --external makes a client without a usable secret', async () => {
    expect(await run('create', '--id', 'entra-app', '--external', '--env', 'prod')).toBe(0);
    expect(output()).toContain('(none: it signs in with tokens of the trusted OpenID provider)');
    expect((await f.store.getClient('entra-app'))?.secretHash).toBe('external');
    await expect(
      f.auth.token({ grant_type: 'client_credentials', client_id: 'entra-app', client_secret: 'external' }),
    ).rejects.toMatchObject({ code: 'invalid_client' });
    expect(await run('create', '--external', '--secret', 'x', '--env', 'prod')).toBe(2);
    expect(await run('create', '--admin', '--role', 'read', '--env', 'prod')).toBe(2);
  });
});
