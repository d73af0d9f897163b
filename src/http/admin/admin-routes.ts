import type { FastifyInstance } from 'fastify';
import { detail, fail, OnhandError } from '../../domain/codes.js';
import { isRole, type Role, type RoleGrants, roleIn } from '../../domain/roles.js';
import { Environments } from '../../engine/environments.js';
import type { EnvironmentRecord } from '../../store/store.js';
import type { RouteDeps } from '../context.js';
import {
  ClientList,
  ClientParams,
  ClientSummary,
  EnvironmentList,
  EnvironmentSummary,
  Identity,
  NewClientCredentials,
  NewClientRequest,
  NewEnvironment,
  RevokeClientRequest,
} from '../schemas/admin.js';
import { errorResponses } from '../schemas/common.js';
import { validator } from '../validation.js';
import { requireGrant } from './grant-access.js';

const checkNewEnvironment = validator(NewEnvironment);
const checkNewClient = validator(NewClientRequest);

/**
 * Identity and administration over HTTP (extension): who am I, environments and clients. What the CLI's
 * `onhand environments` and `onhand clients` do on the server's machine, for the dashboard and tools.
 * Listing and revoking need the admin role in every environment ("*"); creating a client needs the admin
 * role in each environment it grants a role in.
 */
export function adminRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { auth, store, engine } = deps;

  app.get('/api/me', {
    onRequest: requireGrant(auth, 'token'),
    schema: {
      tags: ['Admin'],
      summary: 'The client of the token, its roles and the environments it may use (extension)',
      response: { 200: Identity, 401: errorResponses()[401], 429: errorResponses()[429] },
    },
    handler: async (request) => {
      const principal = request.principal;
      if (!principal) throw new OnhandError('unauthorized');
      const existing = new Set((await store.listEnvironments()).map((e) => e.environmentId));
      const ids = new Set(Object.keys(principal.roles).filter((id) => id !== '*'));
      if (roleIn(principal.roles, '*')) for (const id of existing) ids.add(id);
      const environments = [...ids].sort().map((environmentId) => ({
        environmentId,
        role: roleIn(principal.roles, environmentId) as Role,
        exists: existing.has(environmentId),
      }));
      return {
        clientId: principal.clientId,
        roles: principal.roles,
        environments,
        expiresAt: principal.expiresAt.toISOString(),
      };
    },
  });

  app.get('/api/admin/environments', {
    onRequest: requireGrant(auth, 'all-admin'),
    schema: {
      tags: ['Admin'],
      summary: 'Every environment (admin of every environment, extension)',
      response: { 200: EnvironmentList, ...errorResponses() },
    },
    handler: async () => {
      const records = await store.listEnvironments();
      return { environments: records.map(summary).sort((a, b) => compare(a.environmentId, b.environmentId)) };
    },
  });

  app.post('/api/admin/environments', {
    onRequest: requireGrant(auth, 'all-admin'),
    schema: {
      tags: ['Admin'],
      summary: 'Create an environment with the default configuration (extension); idempotent',
      body: NewEnvironment,
      response: { 200: EnvironmentSummary, 201: EnvironmentSummary, ...errorResponses() },
    },
    handler: async (request, reply) => {
      const { environmentId: raw } = checkNewEnvironment(request.body ?? {});
      const environmentId = Environments.id(raw);
      const created = await engine.environments.create(environmentId);
      const record = await store.getEnvironment(environmentId);
      if (!record) throw new OnhandError('environment_not_found');
      return reply.code(created ? 201 : 200).send(summary(record));
    },
  });

  app.get('/api/admin/clients', {
    onRequest: requireGrant(auth, 'all-admin'),
    schema: {
      tags: ['Admin'],
      summary: 'Every client with its roles, never its secret (admin of every environment, extension)',
      response: { 200: ClientList, ...errorResponses() },
    },
    handler: async () => ({ clients: await auth.listClients() }),
  });

  app.post('/api/admin/clients', {
    onRequest: requireGrant(auth, 'any-admin'),
    schema: {
      tags: ['Admin'],
      summary: 'Create a client; its secret is shown once (admin of each environment it grants, extension)',
      body: NewClientRequest,
      response: { 201: NewClientCredentials, ...errorResponses(409) },
    },
    handler: async (request, reply) => {
      const body = checkNewClient(request.body ?? {});
      for (const [env, role] of Object.entries(body.roles)) {
        if (!isRole(role)) fail('invalid_type', `/roles/${env}`, 'Expected read, write or admin.');
      }
      checkWithinOwnGrants(request.principal?.roles ?? {}, body.roles);
      const credentials = await auth.createClient({
        ...(body.clientId === undefined ? {} : { clientId: body.clientId }),
        environments: Object.keys(body.roles),
        roles: body.roles as RoleGrants,
      });
      const [created] = (await auth.listClients()).filter((c) => c.clientId === credentials.clientId);
      return reply.code(201).send({ ...credentials, roles: created?.roles ?? body.roles });
    },
  });

  app.post('/api/admin/clients/:clientId/revoke', {
    onRequest: requireGrant(auth, 'all-admin'),
    schema: {
      tags: ['Admin'],
      summary: 'Revoke a client: no new tokens, its tokens refused (admin of every environment, extension)',
      params: ClientParams,
      body: RevokeClientRequest,
      response: { 200: ClientSummary, ...errorResponses() },
    },
    handler: async (request) => {
      const { clientId } = request.params as { clientId: string };
      if (clientId === request.principal?.clientId) {
        throw new OnhandError('invalid_request', 'A client cannot revoke itself; sign in as another admin.', [
          detail('invalid_request', 'path:clientId', 'This is the client of the token.'),
        ]);
      }
      return auth.revokeClient(clientId);
    },
  });
}

/**
 * An environment's admin creates clients within its own grants: every environment the new client gets a
 * role in must be one where the caller is admin ("*" needs the caller's "*" admin grant).
 */
function checkWithinOwnGrants(own: RoleGrants, wanted: Readonly<Record<string, string>>): void {
  const outside = Object.keys(wanted).filter((env) => roleIn(own, env) !== 'admin');
  if (outside.length > 0) {
    throw new OnhandError(
      'forbidden',
      `Only environments where you are admin can be granted; you are not admin of ${outside.map((e) => `"${e}"`).join(', ')}.`,
      outside.map((env) => detail('forbidden', `/roles/${env}`, 'You are not admin of this environment.')),
    );
  }
}

function summary(record: EnvironmentRecord) {
  const { environmentId, version, createdAt, updatedAt } = record;
  return { environmentId, version, createdAt, updatedAt };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
