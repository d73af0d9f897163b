import { randomUUID } from 'node:crypto';
import { errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify, SignJWT } from 'jose';
import { OnhandError } from '../domain/codes.js';
import { legacyGrants, parseGrants, type RoleGrants } from '../domain/roles.js';
import { type KeySource, StaticKeys } from './key-ring.js';
import type { SigningKey } from './signing-key.js';

/** Who a verified token speaks for. */
export interface Principal {
  readonly clientId: string;
  /** Role per environment id (lower-case) or "*". */
  readonly roles: RoleGrants;
  /** When the token stops being valid. */
  readonly expiresAt: Date;
}

/** What a token is issued for: a principal before it has an expiry. */
export type TokenSubject = Pick<Principal, 'clientId' | 'roles'>;

/** The body of a successful POST /oauth2/token (RFC 6749 §5.1). */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  /** Lifetime in seconds. */
  readonly expires_in: number;
}

/** Settings of a TokenService. */
export interface TokenServiceOptions {
  /** A single key (tests); or `keys`. */
  readonly key?: SigningKey;
  /** The key ring: the newest key signs, any key verifies (by kid). */
  readonly keys?: KeySource;
  readonly issuer?: string;
  readonly audience?: string;
  /** Token lifetime in seconds (default one hour). */
  readonly ttlSeconds?: number;
  /** Clock for iat/exp and for checking expiry; injected so tests can move time. */
  readonly clock?: () => Date;
}

/** Audience of the client assertions issued by POST /{tenantId}/oauth2/v2.0/token (never accepted by the API). */
export const ASSERTION_AUDIENCE = 'onhand-token-exchange';

/** Tokens longer than this are rejected before any parsing. */
const MAX_TOKEN_LENGTH = 8192;
/** Allowed clock skew between the issuing and the verifying process, in seconds. */
const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Issues and verifies Onhand's tokens: compact JWS (EdDSA / Ed25519, `kid` in the header) with claims
 * `sub` (client id), `roles` (environment → role), `iss`, `aud`, `iat`, `exp`, `jti`. Tokens from before
 * roles existed carry `envs` and `adm` instead and still verify (admin: admin there; otherwise write).
 * Verification accepts only EdDSA, a key of the ring, this issuer and the expected audience.
 */
export class TokenService {
  readonly issuer: string;
  readonly audience: string;
  readonly ttlSeconds: number;
  readonly keys: KeySource;
  readonly #clock: () => Date;

  constructor(options: TokenServiceOptions) {
    const keys = options.keys ?? (options.key ? new StaticKeys([options.key]) : undefined);
    if (!keys) throw new Error('A TokenService needs a key or a key source.');
    this.keys = keys;
    this.issuer = options.issuer ?? 'onhand';
    this.audience = options.audience ?? 'onhand-api';
    this.ttlSeconds = options.ttlSeconds ?? 3600;
    this.#clock = options.clock ?? (() => new Date());
    if (!Number.isInteger(this.ttlSeconds) || this.ttlSeconds <= 0) {
      throw new Error(`ttlSeconds must be a positive integer, got ${this.ttlSeconds}.`);
    }
  }

  /** Signs a new access token for `subject`, valid for ttlSeconds from now. */
  async issue(subject: TokenSubject): Promise<TokenResponse> {
    const token = await this.#sign({ roles: { ...subject.roles } }, subject.clientId, this.audience);
    return { access_token: token, token_type: 'Bearer', expires_in: this.ttlSeconds };
  }

  /**
   * Signs a client assertion for the token exchange (POST /token): same key and issuer, audience
   * ASSERTION_AUDIENCE, no roles, so the API refuses it as a bearer token.
   */
  async issueAssertion(clientId: string, tenantId: string): Promise<string> {
    return this.#sign({ tid: tenantId }, clientId, ASSERTION_AUDIENCE);
  }

  /**
   * Verifies signature, algorithm, issuer, audience and expiry (±5 s) and returns the principal.
   * Throws OnhandError('invalid_token') on any failure.
   */
  async verify(token: string): Promise<Principal> {
    const payload = await this.#verify(token, this.audience);
    return toPrincipal(payload);
  }

  /** Verifies a client assertion made by issueAssertion; returns its client id. Throws invalid_token. */
  async verifyAssertion(token: string): Promise<string> {
    const payload = await this.#verify(token, ASSERTION_AUDIENCE);
    if (typeof payload.sub !== 'string' || payload.sub === '') {
      throw new OnhandError('invalid_token', 'The client assertion has no subject.');
    }
    return payload.sub;
  }

  async #sign(claims: JWTPayload, subject: string, audience: string): Promise<string> {
    const key = await this.keys.current();
    const now = Math.floor(this.#clock().getTime() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: key.kid })
      .setSubject(subject)
      .setIssuer(this.issuer)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + this.ttlSeconds)
      .setJti(randomUUID())
      .sign(key.privateKey);
  }

  async #verify(token: string, audience: string): Promise<JWTPayload> {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      throw new OnhandError('invalid_token', 'The bearer token is malformed.');
    }
    const getKey: JWTVerifyGetKey = async (header) => {
      const key = typeof header.kid === 'string' ? await this.keys.find(header.kid) : undefined;
      if (!key) throw new errors.JWKSNoMatchingKey();
      return key.publicKey;
    };
    try {
      const { payload } = await jwtVerify(token, getKey, {
        algorithms: ['EdDSA'],
        issuer: this.issuer,
        audience,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: this.#clock(),
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      return payload;
    } catch (error) {
      throw new OnhandError('invalid_token', describe(error));
    }
  }
}

function toPrincipal(payload: JWTPayload): Principal {
  const { sub, exp, envs, adm, roles } = payload;
  if (typeof sub !== 'string' || sub === '' || typeof exp !== 'number') {
    throw new OnhandError('invalid_token', 'The bearer token does not carry the expected claims.');
  }
  let grants = roles === undefined ? undefined : parseGrants(roles);
  if (roles === undefined) {
    const envsValid = Array.isArray(envs) && envs.every((env): env is string => typeof env === 'string');
    if (envsValid && typeof adm === 'boolean') grants = legacyGrants(envs, adm);
  }
  if (!grants) {
    throw new OnhandError('invalid_token', 'The bearer token does not carry the expected claims.');
  }
  return { clientId: sub, roles: grants, expiresAt: new Date(exp * 1000) };
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The bearer token has expired; request a new one.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    return `The bearer token was not issued for this service (${error.claim} claim).`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return 'The bearer token signature is not valid.';
  }
  if (error instanceof errors.JWKSNoMatchingKey)
    return 'The bearer token is not signed by a key of this service.';
  if (error instanceof errors.JOSEAlgNotAllowed)
    return 'The bearer token uses an algorithm that is not allowed.';
  return 'The bearer token is malformed.';
}
