/**
 * Who uses the web client and its WebSocket: the caller hero_router vouches for (the SDK's
 * verified assertion, when present), else a hero_auth user signed in to hero_collab (OIDC code +
 * PKCE through the SDK's `webLogin`, session cookie), else the owner — directly on the Unix
 * socket, or with the admin token through hero_router (checked again here, as hero_proc does).
 */
import { randomBytes } from "node:crypto";
import { type WebLogin, webLogin } from "@hero/sdk";
import { cookieValue, hasSession } from "../../../ui/session/admin_session.ts";
import type { CollabService } from "../collab_service.ts";
import { type Caller, callerOfConnection, OWNER_CALLER, userCaller } from "../identity/caller.ts";
import type { HeroAuthClient } from "../identity/hero_auth_client.ts";

/** Signing in through hero_auth. */
export interface LoginOptions {
  /** hero_auth's issuer URL (as browsers reach it). */
  issuer: string;
  /** hero_collab's web client URL (as browsers reach it), e.g. `http://localhost:9988/hero_collab/admin`. */
  publicUrl: string;
}

/** Resolves the caller of web requests. */
export class WebIdentity {
  readonly #svc: CollabService;
  readonly #adminToken?: string;
  login?: WebLogin;
  /** Where browsers reach the web client (sign-in routes are answered there). */
  publicUrl?: string;

  /** Without `login`, only the owner (socket or admin token) uses the web client. */
  constructor(svc: CollabService, opts: { adminToken?: string; login?: WebLogin } = {}) {
    this.#svc = svc;
    this.#adminToken = opts.adminToken;
    this.login = opts.login;
  }

  /** The caller of a request, or undefined (sign in first). */
  async caller(
    request: Request,
    info: { transport?: string } | undefined,
  ): Promise<Caller | undefined> {
    const vouched = callerOfConnection(info);
    if (vouched && vouched.subject !== "anonymous") return vouched;
    const session = await this.login?.session(request);
    if (session) {
      const dir = this.#svc.store.directory;
      const known = dir.user(session.sub);
      const isNew = dir.upsertUser({
        id: session.sub,
        username: session.username ?? known?.username ?? session.sub,
        display_name: session.name ?? known?.display_name ?? "",
        is_bot: false,
        disabled: false,
      });
      if (isNew) this.#svc.channels.welcome(session.sub);
      return userCaller({ id: session.sub, username: session.username, groups: session.groups });
    }
    const direct = info?.transport === "unix" && !request.headers.has("x-forwarded-for");
    if (direct) return OWNER_CALLER;
    if (this.#adminToken && hasSession(request, this.#adminToken)) {
      return { subject: "token:admin", name: "admin token", scopes: ["hero:admin"] };
    }
    return undefined;
  }

  /** Whether a cookie-authenticated write carries the CSRF header (bearer and socket need none). */
  static csrfOk(request: Request): boolean {
    const m = request.method;
    if (m === "GET" || m === "HEAD" || m === "OPTIONS") return true;
    if (request.headers.get("authorization")) return true;
    const cookies = cookieValue(request, "hero_session") ?? cookieValue(request, "hero_admin");
    return !cookies || request.headers.get("x-hero-csrf") === "1";
  }
}

/**
 * Registers hero_collab with hero_auth as an OIDC client once (kept in the database) and returns
 * the web login; a changed public URL registers again.
 */
export async function setUpLogin(
  svc: CollabService,
  auth: HeroAuthClient,
  o: LoginOptions,
): Promise<WebLogin> {
  const base = o.publicUrl.replace(/\/$/, "");
  const redirect = `${base}/auth/callback`;
  const settings = svc.store.db;
  const get = (key: string) =>
    (settings.prepare("SELECT value FROM settings WHERE key = ?").get(key) as
      | { value: string }
      | undefined)?.value;
  const set = (key: string, value: string) =>
    settings.prepare("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)").run(key, value);
  let secret = get("cookie_secret");
  if (!secret) set("cookie_secret", secret = randomBytes(32).toString("base64url"));
  let client = JSON.parse(get("oidc_client") ?? "null") as
    | { client_id: string; client_secret: string; redirect: string; issuer: string }
    | null;
  if (!client || client.redirect !== redirect || client.issuer !== o.issuer) {
    const created = await auth.call<{ client_id: string; client_secret: string }>(
      "clients.create",
      {
        client_name: "hero_collab",
        redirect_uris: [redirect],
        post_logout_redirect_uris: [`${base}/`],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        hero_skip_consent: true,
      },
    );
    client = { ...created, redirect, issuer: o.issuer };
    set("oidc_client", JSON.stringify(client));
  }
  return webLogin({
    issuer: o.issuer,
    clientId: client.client_id,
    clientSecret: client.client_secret,
    baseUrl: base,
    cookieSecret: secret,
    allowHttp: o.issuer.startsWith("http:"),
  });
}
