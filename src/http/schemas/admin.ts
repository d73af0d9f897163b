import { Type } from '@sinclair/typebox';
import { NullableString } from './common.js';

/*
 * Schemas of the admin and identity routes (src/http/admin/): what the dashboard and other tools use to
 * manage environments and clients over HTTP, as `onhand environments` and `onhand clients` do locally.
 */

const RoleName = Type.String({ enum: ['read', 'write', 'admin'] });

/** Environment id (or "*", every environment) → role. */
export const RoleGrantTable = Type.Record(Type.String(), RoleName, {
  title: 'RoleGrants',
  description: 'Environment id (lower-case) or "*" (every environment) → read, write or admin.',
  examples: [{ demo: 'read' }],
});

/** One environment the caller may use. */
const UsableEnvironment = Type.Object(
  {
    environmentId: Type.String(),
    role: RoleName,
    exists: Type.Boolean({ description: 'False for a granted environment that has not been created yet.' }),
  },
  { title: 'UsableEnvironment' },
);

/** Answer of GET /api/me. */
export const Identity = Type.Object(
  {
    clientId: Type.String(),
    roles: RoleGrantTable,
    environments: Type.Array(UsableEnvironment, {
      description: 'Every environment the token may use, with its role there, sorted by id.',
    }),
    expiresAt: Type.String({ description: 'When the token stops being valid (ISO-8601).' }),
  },
  {
    title: 'Identity',
    examples: [
      {
        clientId: 'admin',
        roles: { '*': 'admin' },
        environments: [{ environmentId: 'demo', role: 'admin', exists: true }],
        expiresAt: '2026-12-03T09:00:00.000Z',
      },
    ],
  },
);

/** An environment as the admin routes list it. */
export const EnvironmentSummary = Type.Object(
  {
    environmentId: Type.String(),
    version: Type.Integer({ description: 'Configuration version.' }),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  {
    title: 'EnvironmentSummary',
    examples: [
      {
        environmentId: 'demo',
        version: 1,
        createdAt: '2026-12-03T08:00:00.000Z',
        updatedAt: '2026-12-03T08:00:00.000Z',
      },
    ],
  },
);

export const EnvironmentList = Type.Object(
  { environments: Type.Array(EnvironmentSummary) },
  {
    title: 'EnvironmentList',
    examples: [
      {
        environments: [
          {
            environmentId: 'demo',
            version: 1,
            createdAt: '2026-12-03T08:00:00.000Z',
            updatedAt: '2026-12-03T08:00:00.000Z',
          },
        ],
      },
    ],
  },
);

export const NewEnvironment = Type.Object(
  {
    environmentId: Type.String({
      description: 'Environment id: 1-64 letters, digits, ".", "_" or "-" (stored lower-case).',
    }),
  },
  { title: 'NewEnvironment', additionalProperties: false, examples: [{ environmentId: 'demo2' }] },
);

/** A client as listed: never its secret. */
export const ClientSummary = Type.Object(
  {
    clientId: Type.String(),
    roles: RoleGrantTable,
    createdAt: Type.String(),
    revokedAt: NullableString,
  },
  {
    title: 'ClientSummary',
    examples: [
      {
        clientId: 'storefront',
        roles: { demo: 'read' },
        createdAt: '2026-12-03T08:00:00.000Z',
        revokedAt: null,
      },
    ],
  },
);

export const ClientList = Type.Object(
  { clients: Type.Array(ClientSummary) },
  {
    title: 'ClientList',
    examples: [
      {
        clients: [
          {
            clientId: 'storefront',
            roles: { demo: 'read' },
            createdAt: '2026-12-03T08:00:00.000Z',
            revokedAt: null,
          },
        ],
      },
    ],
  },
);

export const NewClientRequest = Type.Object(
  {
    clientId: Type.Optional(
      Type.String({ description: '1-64 letters, digits, ".", "_" or "-"; generated when absent.' }),
    ),
    roles: RoleGrantTable,
  },
  {
    title: 'NewClientRequest',
    additionalProperties: false,
    examples: [{ clientId: 'dashboard-reader', roles: { demo: 'read' } }],
  },
);

/** The new client's secret, shown once: it is stored only as a hash. */
export const NewClientCredentials = Type.Object(
  {
    clientId: Type.String(),
    secret: Type.String({ description: 'Shown once; store it now.' }),
    roles: RoleGrantTable,
  },
  {
    title: 'NewClientCredentials',
    examples: [
      { clientId: 'storefront', secret: 'q8Vx2mK9rT4wZ7bN1cF6hJ3pL5sD0gYa', roles: { demo: 'read' } },
    ],
  },
);

export const RevokeClientRequest = Type.Object(
  {},
  { title: 'RevokeClientRequest', additionalProperties: false, examples: [{}], description: 'No fields.' },
);

export const ClientParams = Type.Object({ clientId: Type.String() });
