import { describe, expect, it } from 'vitest';
import {
  intersectGrants,
  legacyGrants,
  parseGrants,
  type Role,
  type RoleGrants,
  roleAllows,
  roleIn,
} from '../../src/domain/roles.js';

describe('roleAllows', () => {
  it.each<[Role | undefined, Role, boolean]>([
    ['availability', 'availability', true],
    ['availability', 'read', false],
    ['availability', 'write', false],
    ['read', 'availability', true],
    ['read', 'read', true],
    ['read', 'write', false],
    ['read', 'admin', false],
    ['write', 'read', true],
    ['write', 'write', true],
    ['write', 'admin', false],
    ['admin', 'read', true],
    ['admin', 'write', true],
    ['admin', 'admin', true],
    [undefined, 'read', false],
  ])('%s allows %s: %s', (held, needed, allowed) => {
    expect(roleAllows(held, needed)).toBe(allowed);
  });
});

describe('roleIn', () => {
  it.each<[RoleGrants, string, Role | undefined]>([
    [{ a: 'read' }, 'a', 'read'],
    [{ a: 'read' }, 'A', 'read'],
    [{ a: 'read' }, 'b', undefined],
    [{ '*': 'read', a: 'admin' }, 'a', 'admin'],
    [{ '*': 'write', a: 'read' }, 'a', 'write'],
    [{ '*': 'write' }, 'anything', 'write'],
    [{ '*': 'write', a: 'admin' }, '*', 'write'],
    [{ __proto__: 'admin' } as unknown as RoleGrants, 'constructor', undefined],
    [{}, 'a', undefined],
  ])('%j in %s: %s', (grants, env, role) => {
    expect(roleIn(grants, env)).toBe(role);
  });
});

describe('intersectGrants bounds a token by its client', () => {
  it.each<[RoleGrants, RoleGrants, RoleGrants]>([
    [{ a: 'admin' }, { a: 'read' }, { a: 'read' }],
    [{ a: 'read' }, { '*': 'admin' }, { a: 'read' }],
    [{ '*': 'admin' }, { a: 'write', b: 'read' }, { a: 'write', b: 'read' }],
    [{ '*': 'write' }, { '*': 'admin', a: 'read' }, { '*': 'write', a: 'write' }],
    [{ a: 'write' }, { b: 'write' }, {}],
  ])('%j ∩ %j = %j', (token, client, expected) => {
    expect(intersectGrants(token, client)).toEqual(expected);
  });
});

describe('legacyGrants and parseGrants', () => {
  it('clients from before roles: admin there, or write there', () => {
    expect(legacyGrants(['*'], true)).toEqual({ '*': 'admin' });
    expect(legacyGrants(['A', 'b'], false)).toEqual({ a: 'write', b: 'write' });
  });

  it.each<[unknown, RoleGrants | undefined]>([
    [
      { A: 'read', '*': 'admin' },
      { a: 'read', '*': 'admin' },
    ],
    [{}, {}],
    [{ a: 'owner' }, undefined],
    [{ '': 'read' }, undefined],
    [['read'], undefined],
    [null, undefined],
    ['read', undefined],
  ])('parseGrants(%j) = %j', (value, expected) => {
    expect(parseGrants(value)).toEqual(expected);
  });
});
