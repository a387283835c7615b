/**
 * The one-time setup link: a new user (the owner on first start) sets a password, may enrol an
 * authenticator app (TOTP), then may add a passkey. The link works once; the passkey step that
 * follows is tied to the browser by a short-lived cookie.
 */
import crypto from "node:crypto";
import type { Hono } from "hono";
import { getCookie } from "../vendor/vendor.ts";
import { escapeHtml } from "../../../ui/theme/page_shell.ts";
import type { Accounts } from "../accounts/accounts.ts";
import type { Passkeys } from "../accounts/passkeys.ts";
import { passwordProblem } from "../accounts/password.ts";
import { totpUri } from "../accounts/totp.ts";
import type { UserStore } from "../store/users.ts";
import type { NodeEnv } from "./interactions.ts";
import { field, renderCard } from "./pages.ts";

/** What the setup pages work with. */
export interface SetupDeps {
  prefix: string;
  accounts: Accounts;
  passkeys: Passkeys;
  users: UserStore;
}

const AFTER_SETUP_MS = 15 * 60_000;

/** Mounts `/setup/*` on `app`. */
export function mountSetup(app: Hono<NodeEnv>, d: SetupDeps): void {
  // Browsers that just used a setup link may add passkeys for a while: cookie value -> user.
  const afterSetup = new Map<string, { userId: string; at: number }>();
  const html = (page: Omit<Parameters<typeof renderCard>[0], "prefix">, status = 200) =>
    new Response(renderCard({ prefix: d.prefix, ...page }), {
      status,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    });
  const invalid = () =>
    html({
      title: "Link not valid",
      body: "<p>This setup link was already used or has expired. Ask an admin for a new one.</p>",
    }, 410);
  const form = (token: string, username: string, secret: string, error?: string) =>
    html({
      title: `Set up ${username}`,
      lead: "Choose a password (at least 10 characters). Adding an authenticator app is optional.",
      error,
      body: `<form method="post" action="${d.prefix}/setup/${escapeHtml(token)}">
<input type="hidden" name="username" value="${escapeHtml(username)}" autocomplete="username">
${
        field({
          name: "password",
          label: "New password",
          type: "password",
          autocomplete: "new-password",
          required: true,
          autofocus: true,
        })
      }
${
        field({
          name: "confirm",
          label: "Repeat the password",
          type: "password",
          autocomplete: "new-password",
          required: true,
        })
      }
<p class="small muted">Authenticator app key: <code class="secret" id="totp-secret">${secret}</code><br>
<a href="${escapeHtml(totpUri(secret, username))}">otpauth link</a></p>
<input type="hidden" name="totp_secret" value="${secret}">
${
        field({
          name: "totp_code",
          label: "Code from the app (leave empty to skip)",
          autocomplete: "one-time-code",
          inputmode: "numeric",
        })
      }
<button class="btn primary" type="submit">Save</button></form>`,
    }, error ? 400 : 200);

  app.get("/setup/:token", (c) => {
    const user = d.accounts.setupTokenUser(c.req.param("token"));
    if (!user) return invalid();
    const { secret } = d.accounts.beginTotp(user.id);
    return form(c.req.param("token"), user.username, secret);
  });

  app.post("/setup/:token", async (c) => {
    const token = c.req.param("token");
    const user = d.accounts.setupTokenUser(token);
    if (!user) return invalid();
    const body = await c.req.parseBody();
    const password = String(body.password ?? "");
    const secret = d.users.mustRow(user.id).totp_secret ?? "";
    const problem = passwordProblem(password) ??
      (password !== String(body.confirm ?? "") ? "The two passwords differ" : undefined);
    if (problem) return form(token, user.username, secret, problem);
    const code = String(body.totp_code ?? "").trim();
    if (code && !d.accounts.confirmTotp(user.id, code, user.id)) {
      return form(token, user.username, secret, "That authenticator code is not valid");
    }
    if (!d.accounts.useSetupToken(token)) return invalid();
    if (!code) d.users.setTotp(user.id, null, false);
    await d.accounts.setPassword(user.id, password, user.id);
    const cookie = crypto.randomBytes(18).toString("base64url");
    afterSetup.set(cookie, { userId: user.id, at: Date.now() });
    const ready = html({
      title: "Account ready",
      lead: `${escapeHtml(user.username)} can sign in now${
        code ? " with the password and a code" : ""
      }.`,
      body: `<p>Add a passkey to sign in without a password:</p>
<button class="btn primary" type="button" data-passkey="register" data-options-url="${d.prefix}/setup/passkey/options"
 data-verify-url="${d.prefix}/setup/passkey/verify">Add a passkey</button>`,
      modules: [`${d.prefix}/assets/passkey.js`],
    });
    ready.headers.append(
      "set-cookie",
      `hero_setup=${cookie}; Path=${d.prefix}/setup; HttpOnly; SameSite=Strict; Max-Age=${
        AFTER_SETUP_MS / 1000
      }`,
    );
    return ready;
  });

  const setupUser = (cookie: string | undefined) => {
    const entry = cookie ? afterSetup.get(cookie) : undefined;
    return entry && entry.at > Date.now() - AFTER_SETUP_MS ? entry.userId : undefined;
  };

  app.post("/setup/passkey/options", async (c) => {
    const cookie = getCookie(c, "hero_setup");
    const userId = setupUser(cookie);
    if (!userId) return c.json({ error: "The setup session expired" }, 401);
    return c.json(await d.passkeys.registrationOptions(`setup:${cookie}`, d.users.get(userId)));
  });

  app.post("/setup/passkey/verify", async (c) => {
    const cookie = getCookie(c, "hero_setup");
    const userId = setupUser(cookie);
    if (!userId) return c.json({ error: "The setup session expired" }, 401);
    try {
      const id = await d.passkeys.register(`setup:${cookie}`, await c.req.json(), "passkey");
      d.accounts.audit({
        event: "user.passkey_added",
        actor: userId,
        subject: userId,
        detail: { id },
      });
      return c.json({ redirect: `${d.prefix}/setup/passkey/done` });
    } catch (err) {
      return c.json({ error: (err as Error).message }, 400);
    }
  });

  app.get(
    "/setup/passkey/done",
    () => html({ title: "Passkey added", body: "<p>You can now sign in with your passkey.</p>" }),
  );
}
