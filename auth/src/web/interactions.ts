/**
 * The sign-in pages oidc-provider sends browsers to: password, second factor (TOTP), passkey,
 * consent and abort. One Hono app on the issuer's web socket; it reads and finishes the
 * provider's interaction with Node's request and response (`c.env`), as the library requires.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Hono } from "hono";
import type Provider from "oidc-provider";
import { escapeHtml } from "../../../ui/theme/page_shell.ts";
import type { Accounts } from "../accounts/accounts.ts";
import type { Passkeys } from "../accounts/passkeys.ts";
import type { UserRow, UserStore } from "../store/users.ts";
import type { GroupStore } from "../store/groups.ts";
import { grantWithinRoles } from "../oidc/scopes.ts";
import { clientIp } from "./client_ip.ts";
import { field, renderCard } from "./pages.ts";

/** Node's request and response, as @hono/node-server hands them over. */
export type NodeEnv = { Bindings: { incoming: IncomingMessage; outgoing: ServerResponse } };

/** What the sign-in pages work with. */
export interface InteractionDeps {
  prefix: string;
  provider: () => Provider;
  accounts: Accounts;
  passkeys: Passkeys;
  users: UserStore;
  groups: GroupStore;
}

const PENDING_TTL_MS = 5 * 60_000;

/** Mounts the interaction routes on `app`. */
export function mountInteractions(app: Hono<NodeEnv>, d: InteractionDeps): void {
  // Users who passed the password step and still owe a TOTP code, by interaction uid.
  const pendingTotp = new Map<string, { userId: string; at: number }>();
  const details = (c: { env: NodeEnv["Bindings"] }) =>
    d.provider().interactionDetails(c.env.incoming, c.env.outgoing);
  const finish = async (
    c: { env: NodeEnv["Bindings"] },
    result: Record<string, unknown>,
  ): Promise<string> =>
    await d.provider().interactionResult(c.env.incoming, c.env.outgoing, result, {
      mergeWithLastSubmission: false,
    });
  const base = (uid: string) => `${d.prefix}/interaction/${uid}`;
  const html = (page: Parameters<typeof renderCard>[0], status = 200) =>
    new Response(renderCard(page), {
      status,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    });
  const loginPage = (uid: string, opts: { error?: string; username?: string; status?: number }) =>
    html({
      prefix: d.prefix,
      title: "Sign in to Hero",
      error: opts.error,
      body: `<form method="post" action="${base(uid)}/login">
${
        field({
          name: "username",
          label: "Username",
          autocomplete: "username webauthn",
          required: true,
          autofocus: !opts.username,
          value: opts.username,
        })
      }
${
        field({
          name: "password",
          label: "Password",
          type: "password",
          autocomplete: "current-password",
          required: true,
          autofocus: !!opts.username,
        })
      }
<button class="btn primary" type="submit">Sign in</button></form>
<p class="or">or</p>
<button class="btn" type="button" data-passkey="login" data-options-url="${
        base(uid)
      }/passkey/options"
 data-verify-url="${base(uid)}/passkey">Sign in with a passkey</button>
<form method="post" action="${
        base(uid)
      }/abort"><button class="btn" type="submit">Cancel</button></form>`,
      modules: [`${d.prefix}/assets/passkey.js`],
    }, opts.status);
  const totpPage = (uid: string, error?: string, status = 200) =>
    html({
      prefix: d.prefix,
      title: "Two-step verification",
      lead: "Enter the 6-digit code from your authenticator app.",
      error,
      body: `<form method="post" action="${base(uid)}/totp">
${
        field({
          name: "code",
          label: "Code",
          autocomplete: "one-time-code",
          inputmode: "numeric",
          pattern: "[0-9]{6}",
          required: true,
          autofocus: true,
        })
      }
<button class="btn primary" type="submit">Verify</button></form>`,
    }, status);
  const completeLogin = async (
    c: { env: NodeEnv["Bindings"]; req: { raw: Request } },
    user: UserRow,
    amr: string[],
  ) => {
    d.accounts.loggedIn(user, clientIp(c.req.raw.headers), amr);
    const to = await finish(c, {
      login: { accountId: user.id, amr, acr: amr.length > 1 ? "mfa" : "pwd", remember: true },
    });
    return new Response(null, { status: 303, headers: { location: to } });
  };

  app.get("/interaction/:uid", async (c) => {
    const it = await details(c);
    if (it.prompt.name === "login") return loginPage(it.uid, {});
    const client = await d.provider().Client.find(String(it.params.client_id));
    const missing = it.prompt.details as {
      missingOIDCScope?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    const scopes = [
      ...(missing.missingOIDCScope ?? []),
      ...Object.values(missing.missingResourceScopes ?? {}).flat(),
    ];
    return html({
      prefix: d.prefix,
      title: "Allow access?",
      lead: `<strong>${
        escapeHtml(client?.clientName ?? it.params.client_id)
      }</strong> asks to use your Hero account.`,
      body: `<ul class="scopes">${
        scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join("")
      }</ul>
<form method="post" action="${
        base(it.uid)
      }/consent"><button class="btn primary" type="submit" autofocus>Allow</button></form>
<form method="post" action="${
        base(it.uid)
      }/abort"><button class="btn" type="submit">Deny</button></form>`,
    });
  });

  app.post("/interaction/:uid/login", async (c) => {
    const it = await details(c);
    const form = await c.req.parseBody();
    const username = String(form.username ?? "").trim();
    const password = String(form.password ?? "");
    if (!username || !password) {
      return loginPage(it.uid, { error: "Enter your username and password", status: 400 });
    }
    const out = await d.accounts.checkPassword(username, password, clientIp(c.req.raw.headers));
    if (!out.ok) {
      const error = out.reason === "throttled"
        ? `Too many failed attempts: try again in ${out.retryAfter} seconds`
        : "Wrong username or password";
      return loginPage(it.uid, { error, username, status: out.reason === "throttled" ? 429 : 401 });
    }
    if (out.needsTotp) {
      pendingTotp.set(it.uid, { userId: out.user.id, at: Date.now() });
      return totpPage(it.uid);
    }
    return completeLogin(c, out.user, ["pwd"]);
  });

  app.post("/interaction/:uid/totp", async (c) => {
    const it = await details(c);
    const pending = pendingTotp.get(it.uid);
    if (!pending || pending.at < Date.now() - PENDING_TTL_MS) {
      pendingTotp.delete(it.uid);
      return loginPage(it.uid, {
        error: "Sign in again: the verification step expired",
        status: 400,
      });
    }
    const form = await c.req.parseBody();
    if (
      !d.accounts.checkTotp(pending.userId, String(form.code ?? ""), clientIp(c.req.raw.headers))
    ) {
      return totpPage(it.uid, "That code is not valid", 401);
    }
    pendingTotp.delete(it.uid);
    return completeLogin(c, d.users.mustRow(pending.userId), ["pwd", "otp"]);
  });

  app.post("/interaction/:uid/passkey/options", async (c) => {
    const it = await details(c);
    return c.json(await d.passkeys.authenticationOptions(`login:${it.uid}`));
  });

  app.post("/interaction/:uid/passkey", async (c) => {
    const it = await details(c);
    const ip = clientIp(c.req.raw.headers);
    try {
      const userId = await d.passkeys.authenticate(`login:${it.uid}`, await c.req.json());
      const user = d.users.mustRow(userId);
      if (user.disabled) throw new Error("This account is disabled");
      const res = await completeLogin(c, user, ["hwk", "user"]);
      return c.json({ redirect: res.headers.get("location") });
    } catch (err) {
      d.accounts.loginFailed(ip, "passkey");
      return c.json({ error: (err as Error).message }, 401);
    }
  });

  app.post("/interaction/:uid/consent", async (c) => {
    const it = await details(c);
    if (it.prompt.name !== "consent") return c.text("No consent is pending", 400);
    const provider = d.provider();
    const accountId = it.session!.accountId;
    const clientId = String(it.params.client_id);
    const grant = it.grantId
      ? (await provider.Grant.find(it.grantId))!
      : new provider.Grant({ accountId, clientId });
    const missing = it.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    grantWithinRoles(grant, d.accounts.claims(accountId)?.roles ?? [], {
      oidc: missing.missingOIDCScope ?? [],
      resources: missing.missingResourceScopes ?? {},
    });
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    d.accounts.audit({ event: "consent.granted", actor: accountId, subject: clientId });
    const to = await finish(c, { consent: { grantId } });
    return c.redirect(to, 303);
  });

  app.post("/interaction/:uid/abort", async (c) => {
    await details(c);
    const to = await finish(c, {
      error: "access_denied",
      error_description: "The user cancelled the sign-in",
    });
    return c.redirect(to, 303);
  });
}
