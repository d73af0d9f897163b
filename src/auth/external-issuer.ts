import { createRemoteJWKSet, decodeJwt, errors, type JWTPayload, jwtVerify } from 'jose';
import { OnhandError } from '../domain/codes.js';

/** An external OpenID provider whose tokens POST /token accepts as client assertions. */
export interface ExternalIssuerOptions {
  /** Expected `iss`, e.g. https://login.microsoftonline.com/{tenant}/v2.0 or a Keycloak realm URL. */
  readonly issuer: string;
  /** Where the provider publishes its signing keys (JWKS). */
  readonly jwksUrl: string;
  /** Expected `aud` (the Onhand application registered at the provider). */
  readonly audience: string;
  /** Claims that name the client, tried in order; the first string one wins. */
  readonly clientClaims: readonly string[];
  /** How long fetched keys are trusted before the JWKS is fetched again (ms). */
  readonly cacheMaxAgeMs?: number;
  /** Clock for expiry checks. */
  readonly clock?: () => Date;
}

/** Asymmetric algorithms only: `none` and HMAC (a shared secret the provider's clients also hold) never. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const MAX_TOKEN_LENGTH = 16_384;

/**
 * Verifies tokens of one external OpenID provider against its JWKS URL, issuer and audience. Keys are
 * fetched on first use and cached (jose's remote key set): the JWKS is fetched again after
 * `cacheMaxAgeMs`, or when a token names an unknown `kid` (at most every 30 s).
 */
export class ExternalIssuer {
  readonly issuer: string;
  readonly #audience: string;
  readonly #claims: readonly string[];
  readonly #clock: () => Date;
  readonly #jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(options: ExternalIssuerOptions) {
    this.issuer = options.issuer;
    this.#audience = options.audience;
    this.#claims = options.clientClaims;
    this.#clock = options.clock ?? (() => new Date());
    this.#jwks = createRemoteJWKSet(new URL(options.jwksUrl), {
      cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
      cooldownDuration: 30_000,
      timeoutDuration: 5_000,
    });
  }

  /** True when the (unverified) token says it comes from this provider; routing only, never trust. */
  claimsToBeFrom(token: string): boolean {
    if (token.length > MAX_TOKEN_LENGTH) return false;
    try {
      return decodeJwt(token).iss === this.issuer;
    } catch {
      return false;
    }
  }

  /** Verifies the token and returns the client id it names. Throws OnhandError('invalid_token'). */
  async verify(token: string): Promise<string> {
    if (token.length > MAX_TOKEN_LENGTH)
      throw new OnhandError('invalid_token', 'The client assertion is too long.');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#jwks, {
        algorithms: ALGORITHMS,
        issuer: this.issuer,
        audience: this.#audience,
        clockTolerance: 5,
        currentDate: this.#clock(),
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      // A key set that cannot be fetched or read (timeout, non-200 answer, invalid body) is the
      // provider's or the network's fault, not the caller's; a token that fails verification is theirs.
      const unreachable =
        error instanceof errors.JWKSTimeout ||
        error instanceof errors.JWKSInvalid ||
        !(error instanceof errors.JOSEError) ||
        error.code === 'ERR_JOSE_GENERIC';
      if (unreachable) {
        // The provider's keys could not be fetched: not the caller's fault.
        throw new OnhandError(
          'service_unavailable',
          'The keys of the trusted OpenID provider could not be fetched.',
        );
      }
      throw new OnhandError('invalid_token', describe(error));
    }
    for (const claim of this.#claims) {
      const value = payload[claim];
      if (typeof value === 'string' && value !== '') return value;
    }
    throw new OnhandError(
      'invalid_token',
      `The client assertion names no client (${this.#claims.join(', ')}).`,
    );
  }
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The client assertion has expired.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    return `The client assertion was not issued for this service (${error.claim} claim).`;
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWSSignatureVerificationFailed) {
    return 'The client assertion is not signed by a key of the trusted provider.';
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return 'The client assertion uses an algorithm that is not allowed.';
  return 'The client assertion is malformed.';
}
