/**
 * Who may change things through the web UIs. A client on a Unix socket is the owner (sockets
 * are 0600) unless it forwards for someone else; everyone else (TCP, or proxied by hero_router)
 * needs the admin session: the token from `HERO_ADMIN_TOKEN` or `<socket root>/admin_token`,
 * presented once as `?token=` (which sets an HttpOnly, SameSite=Strict cookie) or as
 * `Authorization: Bearer`. Mutating requests also need the `X-Hero-CSRF` header, WebSocket
 * upgrades a same-origin `Origin`, so a foreign page can never act with the cookie.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";

/** Name of the session cookie. */
export const SESSION_COOKIE = "hero_admin";

/** The peer facts a decision needs (the SDK's ConnectionInfo fits). */
export interface PeerInfo {
  transport: "unix" | "tcp";
  remoteAddress?: string;
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

async function loadToken(
  socketRoot: string,
  env: (name: string) => string | undefined,
  o: { envName: string; file: string },
): Promise<string> {
  const fromEnv = env(o.envName)?.trim();
  if (fromEnv) return fromEnv;
  const file = `${socketRoot.replace(/\/+$/, "")}/${o.file}`;
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

/** Whether the request comes straight from the owner over a Unix socket. */
export function isOwnerSocket(request: Request, info: PeerInfo): boolean {
  return info.transport === "unix" && !request.headers.has("x-forwarded-for");
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

/** Whether the request carries the admin session (cookie or bearer token). */
export function hasSession(request: Request, token: string): boolean {
  return sameToken(bearerToken(request), token) ||
    sameToken(cookieValue(request, SESSION_COOKIE), token);
}

/** The token of an `Authorization: Bearer` header, if there is one. */
export function bearerToken(request: WithHeaders): string | undefined {
  return request.headers.get("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
}

/** The `Set-Cookie` value that stores a session token (HttpOnly, SameSite=Strict, whole site). */
export function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
}

/** Whether this client may see the admin controls (owner socket or session). */
export function canMutate(request: Request, info: PeerInfo, token: string): boolean {
  return isOwnerSocket(request, info) || hasSession(request, token);
}

/** Why a mutating request (POST, DELETE, ...) is refused, or undefined if it may go on. */
export function mutationProblem(
  request: Request,
  info: PeerInfo,
  token: string,
): string | undefined {
  if (isOwnerSocket(request, info)) return undefined;
  if (!hasSession(request, token)) {
    return "This action needs an admin session: open the dashboard URL with ?token=<admin token>";
  }
  const viaCookie = !request.headers.get("authorization");
  if (viaCookie && request.headers.get("x-hero-csrf") !== "1") {
    return "This action needs the X-Hero-CSRF header (cross-site requests are refused)";
  }
  return undefined;
}

/** Why a WebSocket upgrade is refused (session, same-origin check), or undefined. */
export function upgradeProblem(
  request: Request,
  info: PeerInfo,
  token: string,
): string | undefined {
  if (isOwnerSocket(request, info)) return undefined;
  if (!hasSession(request, token)) return "The terminal needs an admin session";
  const origin = request.headers.get("origin");
  if (origin) {
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

/**
 * Handles `?token=` on a page URL: a right token sets the cookie and redirects to the same URL
 * without it; a wrong one gets 403. Returns undefined when the URL has no token.
 */
export function tokenLogin(request: Request, token: string, prefix = ""): Response | undefined {
  const url = new URL(request.url);
  const given = url.searchParams.get("token");
  if (given === null) return undefined;
  if (!sameToken(given, token)) return forbidden("wrong admin token");
  url.searchParams.delete("token");
  const location = prefix + url.pathname + (url.search || "");
  return new Response(null, {
    status: 303,
    headers: {
      location,
      "set-cookie": sessionCookie(token),
    },
  });
}
