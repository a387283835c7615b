/**
 * The sign-in page a browser without a session gets (status 401 on a gated URL, 200 at
 * `/login`): one field for the admin or read-only token, in the Hero theme, with the way back
 * to the page that was asked for.
 */
import { escapeHtml } from "../../../ui/theme/page_shell.ts";

/** What the login page shows. */
export interface LoginPageOptions {
  /** The local path to return to after signing in. */
  next: string;
  /** A sentence above the form (a wrong token, an expired session). */
  message?: string;
}

/** Renders the login page. */
export function renderLoginPage(opts: LoginPageOptions): string {
  const message = opts.message
    ? `<p class="login-message" role="alert">${escapeHtml(opts.message)}</p>`
    : "";
  return `<!doctype html>
<html lang="en" data-theme="dark"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Hero</title>
<script>document.documentElement.dataset.theme = localStorage.getItem("hero-theme") || "dark";</script>
<link rel="icon" href="/favicon.svg">
<link rel="stylesheet" href="/css/hero.css">
<style>
.login { max-width: 460px; margin: 12vh auto; padding: 0 16px; }
.login form { display: grid; gap: 12px; }
.login label { font-weight: 600; }
.login .hint { color: var(--muted); font-size: 13px; line-height: 1.5; }
.login-message { color: var(--text); border-left: 3px solid var(--bad); padding: 6px 10px; }
</style>
</head><body>
<main class="login">
<div class="brand"><div class="brand-logo" aria-hidden="true">H</div><div>
<h1 class="brand-name">Sign in to Hero</h1></div></div>
<section class="card"><div class="card-body">
${message}
<form method="post" action="/login">
<input type="hidden" name="next" value="${escapeHtml(opts.next)}">
<label for="token">Access token</label>
<input id="token" name="token" type="password" class="mono" autocomplete="current-password"
 required autofocus>
<button class="btn primary" type="submit">Sign in</button>
</form>
<p class="hint">The admin token is printed by <code>npm start</code> and kept in
<code>$PATH_SOCKET/admin_token</code>; the read-only token (view, no changes) is in
<code>$PATH_SOCKET/read_token</code>.</p>
</div></section>
</main>
</body></html>`;
}
