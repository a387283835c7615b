/**
 * Who may change things through the web UIs, and the router's session tokens. A service trusts
 * the caller its HeroServer resolved: the owner on its Unix socket, or whom hero_router's
 * verified assertion names (signed in through hero_auth, or holding the admin or read-only
 * token from `HERO_ADMIN_TOKEN`/`<socket root>/admin_token` and `read_token`). Changing
 * something needs write access to the service; a cookie session also needs the `X-Hero-CSRF`
 * header, and a WebSocket upgrade a same-origin `Origin`, so a foreign page can never act.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { ANONYMOUS_CALLER, type Caller, callerPermits, OWNER_CALLER } from "@hero/sdk";
import { CALLER_HEADER } from "@hero/sdk/internal";

/** Name of the session cookie. */
export const SESSION_COOKIE = "hero_admin";

/** The peer facts a decision needs (the SDK's ConnectionInfo fits). */
export interface PeerInfo {
  transport: "unix" | "tcp";
  remoteAddress?: string;
  /** Who is calling, as the service's HeroServer resolved it. */
  caller?: Caller;
}

/** The admin token: `HERO_ADMIN_TOKEN`, else `<root>/admin_token` (created 0600 if missing). */
export function loadAdminToken(
  socketRoot: string,
  env: (name: string) => string | undefined,
): Promise<string> {
  return loadToken(socketRoot, env, { envName: "HERO_ADMIN_TOKEN", file: "admin_token" });
}

/**
 * The read-only token: `HERO_READ_TOKEN`, else `<root>/read_token` (created 0600 if missing).
 * It opens the dashboard, the lists and every read-only method, nothing that changes state.
 */
export function loadReadToken(
  socketRoot: string,
  env: (name: string) => string | undefined,
): Promise<string> {
  return loadToken(socketRoot, env, { envName: "HERO_READ_TOKEN", file: "read_token" });
}

/**
 * A secret kept beside the tokens: `$<envName>`, else `<root>/<file>` (created 0600 with 48 hex
 * characters if missing), so it survives restarts (hero_router's cookie key).
 */
export async function loadToken(
  socketRoot: string,
  env: (name: string) => string | undefined,
  opts: { envName: string; file: string },
): Promise<string> {
  const fromEnv = env(opts.envName)?.trim();
  if (fromEnv) return fromEnv;
  const file = `${socketRoot.replace(/\/+$/, "")}/${opts.file}`;
  const existing = await readFile(file, "utf8").catch(() => undefined);
  if (existing?.trim()) return existing.trim();
  await mkdir(socketRoot, { recursive: true });
  const token = randomBytes(24).toString("hex");
  try {
    await writeFile(file, token + "\n", { mode: 0o600, flag: "wx" });
    return token;
  } catch {
    // Another process created it first: use theirs.
    return (await readFile(file, "utf8")).trim();
  }
}

/**
 * Who is calling, as the service's HeroServer resolved it (`info.caller`); when a handler runs
 * without one (tests, in-process), a plain Unix-socket client is the owner and anything
 * forwarded or carrying an unverified assertion is nobody.
 */
export function callerOf(request: Request, info: PeerInfo): Caller {
  if (info.caller) return info.caller;
  const plain = !request.headers.has(CALLER_HEADER) && !request.headers.has("x-forwarded-for");
  return info.transport === "unix" && plain ? OWNER_CALLER : ANONYMOUS_CALLER;
}

/** What the header readers below need of a request (a `Request` has it, so has a parsed head). */
export interface WithHeaders {
  readonly headers: { get(name: string): string | null };
}

/** The value of a cookie of the request, if it has one. */
export function cookieValue(request: WithHeaders, name: string): string | undefined {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return undefined;
}

/**
 * Compares a presented secret with a token in time that depends only on their lengths (tokens
 * are ASCII), without encoding either: this runs on every request through the router's gate.
 */
export function sameToken(a: string | undefined, token: string): boolean {
  if (!a || !token || a.length !== token.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ token.charCodeAt(i);
  return diff === 0;
}

/** The token of an `Authorization: Bearer` header, if there is one. */
export function bearerToken(request: WithHeaders): string | undefined {
  return request.headers.get("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
}

/** The `Set-Cookie` value that stores a session token (HttpOnly, SameSite=Strict, whole site). */
export function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
}

/** Whether this caller may see the controls that change `service` (write access to it). */
export function canMutate(request: Request, info: PeerInfo, service: string): boolean {
  return callerPermits(callerOf(request, info), "write", service);
}

/** Why a mutating request (POST, DELETE, ...) to `service` is refused, or undefined. */
export function mutationProblem(
  request: Request,
  info: PeerInfo,
  service: string,
): string | undefined {
  const caller = callerOf(request, info);
  if (!callerPermits(caller, "write", service)) {
    return caller.via === "none"
      ? `This action needs write access to "${service}": sign in through hero_router`
      : `This action needs write access to "${service}"; ${caller.name} may only read`;
  }
  if (caller.via === "cookie" && request.headers.get("x-hero-csrf") !== "1") {
    return "This action needs the X-Hero-CSRF header (cross-site requests are refused)";
  }
  return undefined;
}

/** Why a WebSocket upgrade to `service` is refused (write access, same origin), or undefined. */
export function upgradeProblem(
  request: Request,
  info: PeerInfo,
  service: string,
): string | undefined {
  const caller = callerOf(request, info);
  if (!callerPermits(caller, "write", service)) {
    return `The terminal needs write access to "${service}"`;
  }
  const origin = request.headers.get("origin");
  if (origin && caller.via !== "unix") {
    const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
    let originHost = "";
    try {
      originHost = new URL(origin).host;
    } catch { /* unparsable: refused below */ }
    if (originHost !== host) return `Origin ${origin} does not match host ${host}`;
  }
  return undefined;
}

/** A 403 JSON response. */
export function forbidden(message: string): Response {
  return Response.json({ error: `Forbidden: ${message}` }, { status: 403 });
}
