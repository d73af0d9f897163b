import { randomUUID } from 'node:crypto';
import { errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { OnhandError } from '../domain/codes.js';
import type { SigningKey } from './signing-key.js';

/** Who a verified token speaks for. */
export interface Principal {
  readonly clientId: string;
  /** Environment ids (lower-case) the client may use; ["*"] means all. */
  readonly environments: readonly string[];
  /** May manage clients and environments. */
  readonly admin: boolean;
  /** When the token stops being valid. */
  readonly expiresAt: Date;
}

/** What a token is issued for: a principal before it has an expiry. */
export type TokenSubject = Pick<Principal, 'clientId' | 'environments' | 'admin'>;

/** The body of a successful POST /oauth2/token (RFC 6749 §5.1). */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  /** Lifetime in seconds. */
  readonly expires_in: number;
}

/** Settings of a TokenService. */
export interface TokenServiceOptions {
  readonly key: SigningKey;
  readonly issuer?: string;
  readonly audience?: string;
  /** Token lifetime in seconds (default one hour). */
  readonly ttlSeconds?: number;
  /** Clock for iat/exp and for checking expiry; injected so tests can move time. */
  readonly clock?: () => Date;
}

/** Tokens longer than this are rejected before any parsing. */
const MAX_TOKEN_LENGTH = 8192;
/** Allowed clock skew between the issuing and the verifying process, in seconds. */
const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Issues and verifies access tokens: compact JWS (EdDSA / Ed25519) with claims
 * `sub` (client id), `envs` (environment ids or ["*"]), `adm` (admin flag), `iss`, `aud`, `iat`, `exp`, `jti`.
 * Verification accepts only EdDSA, this issuer and this audience.
 */
export class TokenService {
  readonly issuer: string;
  readonly audience: string;
  readonly ttlSeconds: number;
  readonly #key: SigningKey;
  readonly #clock: () => Date;

  constructor(options: TokenServiceOptions) {
    this.#key = options.key;
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
    const now = Math.floor(this.#clock().getTime() / 1000);
    const token = await new SignJWT({ envs: [...subject.environments], adm: subject.admin })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: this.#key.kid })
      .setSubject(subject.clientId)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + this.ttlSeconds)
      .setJti(randomUUID())
      .sign(this.#key.privateKey);
    return { access_token: token, token_type: 'Bearer', expires_in: this.ttlSeconds };
  }

  /**
   * Verifies signature, algorithm, issuer, audience and expiry (±5 s) and returns the principal.
   * Throws OnhandError('invalid_token') on any failure.
   */
  async verify(token: string): Promise<Principal> {
    if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      throw new OnhandError('invalid_token', 'The bearer token is malformed.');
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#key.publicKey, {
        algorithms: ['EdDSA'],
        issuer: this.issuer,
        audience: this.audience,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: this.#clock(),
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (error) {
      throw new OnhandError('invalid_token', describe(error));
    }
    return toPrincipal(payload);
  }
}

function toPrincipal(payload: JWTPayload): Principal {
  const { sub, exp, envs, adm } = payload;
  const envsValid = Array.isArray(envs) && envs.every((env): env is string => typeof env === 'string');
  if (
    typeof sub !== 'string' ||
    sub === '' ||
    typeof exp !== 'number' ||
    !envsValid ||
    typeof adm !== 'boolean'
  ) {
    throw new OnhandError('invalid_token', 'The bearer token does not carry the expected claims.');
  }
  return {
    clientId: sub,
    environments: Object.freeze([...envs]),
    admin: adm,
    expiresAt: new Date(exp * 1000),
  };
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The bearer token has expired; request a new one.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    return `The bearer token was not issued for this service (${error.claim} claim).`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return 'The bearer token signature is not valid.';
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return 'The bearer token uses an algorithm that is not allowed.';
  return 'The bearer token is malformed.';
}
