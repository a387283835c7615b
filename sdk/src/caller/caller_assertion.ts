/**
 * The caller assertion: hero_router tells a service who is calling with a short-lived JWT in
 * the `X-Hero-Caller` header, signed with an Ed25519 key only the router holds (a new one at
 * every router start; its public half is `<socket root>/hero_router/caller_key.json`). The
 * assertion names the service it is for (`aud`), so one service cannot replay it to another.
 * Services verify it with {@link CallerVerifier}; a header that does not verify is refused,
 * never believed.
 */
import { mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { HeroError } from "../errors/hero_error.ts";
import { decodeHeader, signEd25519, verifyEd25519 } from "./compact_jws.ts";
import type { Caller, CredentialKind } from "./caller.ts";
export { CALLER_HEADER } from "./caller.ts";

/** How long an assertion is valid, in seconds. */
const LIFETIME_S = 60;
/** A signed assertion is reused while it has at least this long to live, in seconds. */
const REUSE_MARGIN_S = 30;
const ISSUER = "hero_router";
const TYPE = "hero-caller+jwt";
const VIAS: readonly CredentialKind[] = ["unix", "bearer", "cookie", "none"];
const MAX_CACHED = 10_000;
/** Allowed clock difference between the router and a service, in seconds. */
const SKEW_S = 5;

/** The file holding the router's public key under a socket root. */
export function callerKeyPath(socketRoot: string): string {
  return `${socketRoot.replace(/\/+$/, "")}/hero_router/caller_key.json`;
}

/** Signs assertions (hero_router). */
export class CallerSigner {
  readonly #key: CryptoKey;
  readonly #kid: string;
  readonly #file: string;
  readonly #cache = new Map<string, Signed>();
  /** The same entries by caller object: a caller the gate reuses is found without a key. */
  readonly #byCaller = new WeakMap<Caller, Map<string, Signed>>();

  private constructor(key: CryptoKey, kid: string, file: string) {
    this.#key = key;
    this.#kid = kid;
    this.#file = file;
  }

  /** Makes a new key pair and publishes its public half under the socket root. */
  static async create(socketRoot: string): Promise<CallerSigner> {
    const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
      "sign",
      "verify",
    ]) as CryptoKeyPair;
    const jwk = await crypto.subtle.exportKey("jwk", pair.publicKey);
    const kid = crypto.randomUUID();
    const file = callerKeyPath(socketRoot);
    await mkdir(file.slice(0, file.lastIndexOf("/")), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${kid}.tmp`;
    await writeFile(tmp, JSON.stringify({ keys: [{ ...jwk, kid, alg: "EdDSA", use: "sig" }] }), {
      mode: 0o600,
    });
    await rename(tmp, file);
    return new CallerSigner(pair.privateKey, kid, file);
  }

  /** Removes the published key at shutdown (unless another router has replaced it since). */
  async retire(): Promise<void> {
    const text = await readFile(this.#file, "utf8").catch(() => "");
    if (text.includes(`"kid":"${this.#kid}"`)) await unlink(this.#file).catch(() => {});
  }

  /**
   * The assertion of `caller` for `service` if one signed earlier is still reused (it has at
   * least half its life left), else undefined: the proxy's hot path asks this first, without
   * a promise, and calls {@link sign} only when it answers undefined.
   */
  cached(caller: Caller, service: string): string | undefined {
    const now = Math.floor(Date.now() / 1000);
    const hit = this.#byCaller.get(caller)?.get(service) ??
      this.#cache.get(cacheKey(caller, service));
    return hit && hit.exp - now >= REUSE_MARGIN_S ? hit.jwt : undefined;
  }

  /** The assertion of `caller` for `service` (reused while it has half its life left). */
  async sign(caller: Caller, service: string): Promise<string> {
    const hit = this.cached(caller, service);
    if (hit !== undefined) return hit;
    const now = Math.floor(Date.now() / 1000);
    const jwt = await signEd25519({ alg: "EdDSA", kid: this.#kid, typ: TYPE }, {
      iss: ISSUER,
      aud: service,
      sub: caller.subject,
      iat: now,
      exp: now + LIFETIME_S,
      name: caller.name,
      via: caller.via,
      scopes: [...caller.scopes],
      ...(caller.groups ? { groups: [...caller.groups] } : {}),
    }, this.#key);
    const signed = { jwt, exp: now + LIFETIME_S };
    if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
    this.#cache.set(cacheKey(caller, service), signed);
    // Only frozen callers are remembered by object: their claims cannot change afterwards.
    if (
      Object.isFrozen(caller) && Object.isFrozen(caller.scopes) &&
      (caller.groups === undefined || Object.isFrozen(caller.groups))
    ) {
      let byService = this.#byCaller.get(caller);
      if (!byService) this.#byCaller.set(caller, byService = new Map());
      byService.set(service, signed);
    }
    return jwt;
  }
}

/** A signed assertion and its expiry (seconds). */
interface Signed {
  jwt: string;
  exp: number;
}

/** Everything an assertion says, as one string: equal keys mean equal claims. */
function cacheKey(caller: Caller, service: string): string {
  return `${service}\n${caller.subject}\n${caller.via}\n${caller.scopes.join(" ")}\n${
    (caller.groups ?? []).join(" ")
  }\n${caller.name}`;
}

/** Verifies assertions for one service (every Hero service, through HeroServer). */
export class CallerVerifier {
  readonly #file: string;
  readonly #audience: string;
  #keys = new Map<string, CryptoKey>();
  /** Key ids not in the file when last looked for, and when (a flood of made-up ids is cheap). */
  readonly #missing = new Map<string, number>();
  readonly #verified = new Map<string, { caller: Caller; exp: number }>();

  /** Verifies assertions addressed to `service`, with the key under `socketRoot`. */
  constructor(socketRoot: string, service: string) {
    this.#file = callerKeyPath(socketRoot);
    this.#audience = service;
  }

  /** The caller an assertion names; throws `HeroError` `INVALID_CALLER` when it does not verify. */
  async verify(assertion: string): Promise<Caller> {
    const now = Math.floor(Date.now() / 1000);
    const hit = this.#verified.get(assertion);
    if (hit && hit.exp > now) return hit.caller;
    let kid: unknown;
    try {
      const header = decodeHeader(assertion);
      if (header.alg !== "EdDSA" || header.typ !== TYPE) throw new Error("not a caller assertion");
      kid = header.kid;
    } catch (err) {
      throw invalid(`it is not a caller assertion (${(err as Error).message})`, err);
    }
    if (typeof kid !== "string" || !kid) throw invalid("it names no key");
    let key = this.#keys.get(kid);
    if (!key && Date.now() - (this.#missing.get(kid) ?? 0) > 1000) {
      await this.#reload();
      key = this.#keys.get(kid);
      if (!key) {
        if (this.#missing.size >= 1000) this.#missing.clear();
        this.#missing.set(kid, Date.now());
      }
    }
    if (!key) throw invalid("it was signed with a key hero_router does not hold");
    let payload: Record<string, unknown>;
    try {
      payload = await verifyEd25519(assertion, key);
    } catch (err) {
      throw invalid((err as Error).message, err);
    }
    const problem = claimsProblem(payload, this.#audience, now);
    if (problem) throw invalid(problem);
    const caller = callerOf(payload);
    if (!caller) throw invalid("its claims are malformed");
    if (this.#verified.size >= MAX_CACHED) this.#verified.clear();
    this.#verified.set(assertion, { caller, exp: Number(payload.exp) });
    return caller;
  }

  /** Re-reads the key file (a new router start makes a new key). */
  async #reload(): Promise<void> {
    const text = await readFile(this.#file, "utf8").catch(() => undefined);
    if (!text) return;
    const keys = new Map<string, CryptoKey>();
    try {
      for (const jwk of (JSON.parse(text) as { keys: (JsonWebKey & { kid: string })[] }).keys) {
        const { kty, crv, x } = jwk;
        keys.set(
          jwk.kid,
          await crypto.subtle.importKey("jwk", { kty, crv, x }, { name: "Ed25519" }, false, [
            "verify",
          ]),
        );
      }
    } catch {
      return;
    }
    this.#keys = keys;
  }
}

/** Why an assertion's claims do not hold for `audience` at `now`, or undefined. */
function claimsProblem(
  p: Record<string, unknown>,
  audience: string,
  now: number,
): string | undefined {
  if (p.iss !== ISSUER) return `unexpected "iss" claim value`;
  const aud = Array.isArray(p.aud) ? p.aud : [p.aud];
  if (!aud.includes(audience)) return `unexpected "aud" claim value`;
  if (typeof p.exp !== "number" || typeof p.iat !== "number") return "it has no exp or iat";
  if (p.exp <= now - SKEW_S) return `"exp" claim timestamp check failed`;
  if (p.iat > now + SKEW_S || p.iat < now - LIFETIME_S - SKEW_S) {
    return `"iat" claim timestamp check failed`;
  }
  return undefined;
}

function callerOf(p: Record<string, unknown>): Caller | undefined {
  const strings = (v: unknown) =>
    Array.isArray(v) && v.every((x) => typeof x === "string") ? v as string[] : undefined;
  const scopes = strings(p.scopes);
  const groups = p.groups === undefined ? undefined : strings(p.groups);
  if (
    typeof p.sub !== "string" || typeof p.name !== "string" || !scopes ||
    !VIAS.includes(p.via as CredentialKind) || (p.groups !== undefined && !groups)
  ) return undefined;
  return Object.freeze({
    subject: p.sub,
    name: p.name,
    via: p.via as CredentialKind,
    scopes: Object.freeze(scopes),
    ...(groups ? { groups: Object.freeze(groups) } : {}),
  });
}

function invalid(why: string, cause?: unknown): HeroError {
  return new HeroError("INVALID_CALLER", `The X-Hero-Caller assertion is not valid: ${why}`, {
    cause,
  });
}
