/**
 * `verifyToken` for APIs: checks a bearer JWT from hero_auth against the issuer's JWKS (cached,
 * refetched when a new key id appears), its issuer, audience, expiry and required scopes, with
 * `jose`. A token that verified is remembered (bounded, until its `exp`), because a client
 * presents the same token on every call for its whole life and the signature check is what
 * costs (hundreds of µs on a busy machine; a remembered token costs a map look-up — bench/auth.ts).
 * Isomorphic: Deno, Node and Bun.
 */
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from "jose";
import { HeroError } from "../errors/hero_error.ts";

/** What a verifier checks. */
export interface TokenVerifierOptions {
  /** The issuer URL (`iss`). */
  issuer: string;
  /** The expected audience (`aud`): the resource indicator the token was asked for. */
  audience: string | string[];
  /** JWKS URL (default `<issuer>/jwks`). */
  jwksUrl?: string;
  /** Allowed clock skew in seconds (default 30). */
  clockToleranceS?: number;
  /** Verified tokens remembered until they expire (default 10,000; 0 remembers none). */
  cacheSize?: number;
}

/** A verified caller. */
export interface VerifiedToken {
  /** The user id, or the client id for client-credentials tokens. */
  sub: string;
  clientId?: string;
  scopes: string[];
  groups: string[];
  roles: string[];
  /** Every claim of the token. */
  claims: JWTPayload;
}

/** Verifies tokens for one audience; create once and reuse (the JWKS is cached). */
export type TokenVerifier = (
  token: string,
  opts?: { scopes?: string[] },
) => Promise<VerifiedToken>;

/** Creates a verifier. Failures throw `HeroError` with code `INVALID_TOKEN` or `INSUFFICIENT_SCOPE`. */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const jwks = createRemoteJWKSet(
    new URL(options.jwksUrl ?? `${options.issuer.replace(/\/$/, "")}/jwks`),
  );
  const max = options.cacheSize ?? 10_000;
  const verified = new Map<string, VerifiedToken>();
  return async (token, opts = {}) => {
    let found = verified.get(token);
    if (found && Number(found.claims.exp) <= Date.now() / 1000) {
      verified.delete(token);
      found = undefined;
    }
    found ??= await verify(token);
    if (max > 0 && !verified.has(token)) {
      if (verified.size >= max) verified.delete(verified.keys().next().value!);
      verified.set(token, found);
    }
    const missing = (opts.scopes ?? []).filter((s) => !found.scopes.includes(s));
    if (missing.length) {
      throw new HeroError("INSUFFICIENT_SCOPE", `The token lacks the scope ${missing.join(" ")}`, {
        details: { missing },
      });
    }
    return found;
  };

  async function verify(token: string): Promise<VerifiedToken> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: options.issuer,
        audience: options.audience,
        clockTolerance: options.clockToleranceS ?? 30,
        requiredClaims: ["exp"],
      }));
    } catch (err) {
      const why = err instanceof errors.JWTExpired
        ? "the token has expired"
        : (err as Error).message;
      throw new HeroError("INVALID_TOKEN", `Invalid access token: ${why}`, { cause: err });
    }
    const scopes = typeof payload.scope === "string"
      ? payload.scope.split(" ").filter(Boolean)
      : [];
    return Object.freeze({
      sub: String(payload.sub ?? payload.client_id ?? ""),
      clientId: typeof payload.client_id === "string" ? payload.client_id : undefined,
      scopes,
      groups: stringList(payload.groups),
      roles: stringList(payload.roles),
      claims: Object.freeze(payload),
    });
  }
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}
