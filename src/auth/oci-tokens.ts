import { createHmac } from 'node:crypto';
import { OnhandError } from '../domain/codes.js';
import { type Role, type RoleGrants, roleAllows, roleIn } from '../domain/roles.js';
import type { ClientRecord } from '../store/store.js';
import type { AuthService } from './auth-service.js';
import type { TokenForm } from './auth-types.js';
import { checkEnvironmentId } from './client-input.js';
import {
  type ParsedScope,
  parseScope,
  roleForScopes,
  scopesOfRole,
  TENANT_SCOPE_PREFIX,
  underscoreScope,
} from './oci-scopes.js';

/** The OAuth error codes (RFC 6749 §5.2) the OCI token endpoints answer with. */
export type OciOAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_scope'
  | 'unsupported_grant_type'
  | 'slow_down'
  | 'temporarily_unavailable';

/**
 * A refusal of an OCI token endpoint, in OAuth's own shape `{ error, error_description }` (no Onhand
 * error fields: OCI clients parse Account Manager's and Salesforce's answers).
 */
export class OciOAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: OciOAuthErrorCode,
    description: string,
  ) {
    super(description);
    this.name = 'OciOAuthError';
  }

  body(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.message };
  }
}

/** A token request of an OCI client: client credentials and the `scope` parameter. */
export interface OciTokenForm extends TokenForm {
  readonly scope?: string | undefined;
}

/** The answer of POST /dwsso/oauth2/access_token, as Account Manager gives it. */
export interface AccountManagerToken {
  readonly access_token: string;
  readonly scope: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
}

/** The answer of POST /services/oauth2/token (client credentials), as the Salesforce platform gives it. */
export interface SalesforceToken {
  readonly access_token: string;
  readonly signature: string;
  readonly scope: string;
  readonly instance_url: string;
  readonly id: string;
  readonly token_type: 'Bearer';
  readonly issued_at: string;
}

/** What a token request is granted: one environment and one role there. */
interface Grant {
  readonly environmentId: string;
  readonly role: Role;
  /** The OCI scopes granted (dotted): those asked for, or all the role covers when none was asked. */
  readonly scopes: readonly string[];
}

/**
 * The token endpoints OCI clients call (docs/oci.md, "Tokens"): the OCI organization (the tenant of
 * `SALESFORCE_COMMERCE_API:{tenant}`) is the Onhand environment, and the scopes map onto Onhand roles
 * (auth/oci-scopes.ts). A token holds one environment and never more than its client's role there.
 */
export class OciTokens {
  constructor(
    private readonly auth: AuthService,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Account Manager's client credentials grant. The scope must name the tenant. */
  async accountManager(form: OciTokenForm): Promise<AccountManagerToken> {
    const client = await this.#client(form, 401);
    const grant = decide(client, parseScope(form.scope), true);
    const issued = await this.auth.issueWithin(client, { [grant.environmentId]: grant.role });
    return {
      access_token: issued.access_token,
      scope: [`${TENANT_SCOPE_PREFIX}${grant.environmentId}`, ...grant.scopes].join(' '),
      token_type: 'Bearer',
      expires_in: issued.expires_in,
    };
  }

  /**
   * The Salesforce platform's client credentials grant (Connect REST clients, spec §7). The
   * environment is the one the scope names, or else the client's only environment.
   */
  async salesforce(form: OciTokenForm, instanceUrl: string): Promise<SalesforceToken> {
    const client = await this.#client(form, 400);
    const grant = decide(client, parseScope(form.scope), false);
    const issued = await this.auth.issueWithin(client, { [grant.environmentId]: grant.role });
    const issuedAt = String(this.clock().getTime());
    const id = `${instanceUrl}/id/${grant.environmentId}/${client.clientId}`;
    // As Salesforce: HMAC-SHA256 of id + issued_at keyed with the client secret, base64.
    const signature = createHmac('sha256', form.client_secret ?? '')
      .update(id + issuedAt)
      .digest('base64');
    return {
      access_token: issued.access_token,
      signature,
      scope: grant.scopes.map(underscoreScope).join(' '),
      instance_url: instanceUrl,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    };
  }

  async #client(form: OciTokenForm, invalidClientStatus: number): Promise<ClientRecord> {
    if (!form.grant_type) throw new OciOAuthError(400, 'invalid_request', 'grant_type is required.');
    try {
      return await this.auth.verifyClient(form);
    } catch (error) {
      if (!(error instanceof OnhandError)) throw error;
      if (error.code === 'unsupported_grant_type') {
        throw new OciOAuthError(400, 'unsupported_grant_type', 'grant_type must be "client_credentials".');
      }
      if (error.code === 'invalid_client') {
        throw new OciOAuthError(invalidClientStatus, 'invalid_client', 'Client authentication failed.');
      }
      throw error;
    }
  }
}

/** The environment and role a token request gets, or invalid_scope. */
function decide(client: ClientRecord, scope: ParsedScope, tenantRequired: boolean): Grant {
  if (scope.unknown.length > 0) {
    throw new OciOAuthError(400, 'invalid_scope', `Unknown scope: ${scope.unknown.join(' ').slice(0, 200)}.`);
  }
  if (scope.tenants > 1) {
    throw new OciOAuthError(400, 'invalid_scope', 'The scope names more than one tenant.');
  }
  const named = scope.tenant ?? (tenantRequired ? undefined : onlyEnvironment(client.roles));
  if (named === undefined) {
    throw new OciOAuthError(
      400,
      'invalid_scope',
      `The scope must name the tenant: ${TENANT_SCOPE_PREFIX}{organizationId}.`,
    );
  }
  let environmentId: string;
  try {
    environmentId = checkEnvironmentId(named);
  } catch {
    throw new OciOAuthError(
      400,
      'invalid_scope',
      'The tenant must be 1-64 letters, digits, ".", "_" or "-".',
    );
  }
  const held = roleIn(client.roles, environmentId);
  if (held === undefined) {
    throw new OciOAuthError(400, 'invalid_scope', `This client may not use tenant "${environmentId}".`);
  }
  const wanted = roleForScopes(scope.scopes) ?? held;
  if (!roleAllows(held, wanted)) {
    throw new OciOAuthError(
      400,
      'invalid_scope',
      `The scopes asked for need the ${wanted} role; this client holds ${held} in tenant "${environmentId}".`,
    );
  }
  return {
    environmentId,
    role: wanted,
    scopes: scope.scopes.length > 0 ? scope.scopes : scopesOfRole(wanted),
  };
}

/** The one environment a client is granted (not "*"), or undefined when it has none or several. */
function onlyEnvironment(grants: RoleGrants): string | undefined {
  const keys = Object.keys(grants);
  return keys.length === 1 && keys[0] !== '*' ? keys[0] : undefined;
}
