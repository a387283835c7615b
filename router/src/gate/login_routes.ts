/**
 * Signing in and out of the router's web surface without hero_auth: the login form takes the
 * admin or the read-only token and turns it into the session cookie; signing out clears it.
 * Both routes are public (the gate lets them through without a credential), so they check the
 * form's origin themselves.
 */
import {
  SESSION_COOKIE,
  sessionCookie,
  type WithHeaders,
} from "../../../ui/session/admin_session.ts";
import { renderLoginPage } from "./login_page.ts";
import { type SessionTokens, tokenIdentity } from "./token_authenticator.ts";

const MAX_FORM_BYTES = 4096;

/** `GET /login?next=/path`: the login page. */
export function loginPageResponse(request: Request): Response {
  const next = safeNext(new URL(request.url).searchParams.get("next"));
  return html(renderLoginPage({ next }), 200);
}

/** `POST /login` (form: `token`, `next`): a right token sets the cookie and goes to `next`. */
export async function loginSubmit(request: Request, tokens: SessionTokens): Promise<Response> {
  const foreign = foreignOrigin(request);
  if (foreign) return html(renderLoginPage({ next: "/", message: foreign }), 403);
  const text = await request.text();
  if (text.length > MAX_FORM_BYTES) {
    return html(renderLoginPage({ next: "/", message: "The form is too large." }), 413);
  }
  const form = new URLSearchParams(text);
  const next = safeNext(form.get("next"));
  const token = (form.get("token") ?? "").trim();
  if (!token || !tokenIdentity(tokens, token, "cookie")) {
    const message = token ? "That token is not valid." : "Paste a token to sign in.";
    return html(renderLoginPage({ next, message }), 401);
  }
  return sessionRedirect(token, next);
}

/** `POST /logout`: clears the session cookie and shows the login page. */
export function logout(request: Request): Response {
  const foreign = foreignOrigin(request);
  if (foreign) return Response.json({ error: `Forbidden: ${foreign}` }, { status: 403 });
  return new Response(null, {
    status: 303,
    headers: {
      location: "/login",
      "set-cookie": `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`,
    },
  });
}

/** A 303 to `location` that stores `token` as the session cookie. */
export function sessionRedirect(token: string, location: string): Response {
  return new Response(null, {
    status: 303,
    headers: { location: safeNext(location), "set-cookie": sessionCookie(token) },
  });
}

/** A local path to return to; anything that could leave the site becomes `/`. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.includes("\\")) return "/";
  for (let i = 0; i < next.length; i++) if (next.charCodeAt(i) < 32) return "/";
  return next;
}

function foreignOrigin(request: Request): string | undefined {
  const origin = request.headers.get("origin");
  return !origin || originMatchesHost(request)
    ? undefined
    : `the form was sent from ${origin}, not from this site`;
}

/** Whether the request's `Origin` names the same host it was sent to (true without Origin). */
export function originMatchesHost(request: WithHeaders): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return true;
  try {
    return new URL(origin).host === request.headers.get("host");
  } catch {
    return false;
  }
}

function html(body: string, status: number): Response {
  return new Response(body, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}
