/**
 * The public pages of hero_auth (sign-in, second factor, consent, device code, sign-out, setup,
 * errors) in the Hero theme: one centred card, no sidebar, no script needed except for
 * passkeys. Every page has a language, a title, one `h1`, labelled fields and a `main`
 * landmark, so axe-core finds nothing to report.
 */
import { escapeHtml } from "../../../ui/theme/page_shell.ts";

/** What a card page shows. */
export interface CardPage {
  /** Path prefix under which the assets are served (the issuer's path). */
  prefix: string;
  title: string;
  /** Short text under the title. */
  lead?: string;
  /** An error shown above the body. */
  error?: string;
  /** A notice shown above the body. */
  notice?: string;
  /** The card's HTML. */
  body: string;
  /** Extra ES modules. */
  modules?: string[];
}

/** Renders a full page with one card. */
export function renderCard(p: CardPage): string {
  const e = escapeHtml;
  return `<!doctype html>
<html lang="en" data-theme="dark"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(p.title)} · Hero</title>
<script>document.documentElement.dataset.theme = localStorage.getItem("hero-theme") || "dark";</script>
<link rel="stylesheet" href="${e(p.prefix)}/assets/hero.css">
<link rel="stylesheet" href="${e(p.prefix)}/assets/auth.css">
</head><body>
<main class="auth-page">
<div class="card auth-card">
<div class="auth-brand"><div class="brand-logo" aria-hidden="true">H</div><span>Hero</span></div>
<h1>${e(p.title)}</h1>
${p.lead ? `<p class="muted">${p.lead}</p>` : ""}
${p.error ? `<div class="banner bad" role="alert" id="error">${e(p.error)}</div>` : ""}
${p.notice ? `<div class="banner" role="status">${e(p.notice)}</div>` : ""}
${p.body}
</div>
</main>
${(p.modules ?? []).map((m) => `<script type="module" src="${e(m)}"></script>`).join("\n")}
</body></html>`;
}

/** A labelled text field. */
export function field(opts: {
  name: string;
  label: string;
  type?: string;
  value?: string;
  autocomplete?: string;
  required?: boolean;
  autofocus?: boolean;
  inputmode?: string;
  pattern?: string;
}): string {
  const id = `f-${opts.name}`;
  return `<label class="field" for="${id}">${escapeHtml(opts.label)}</label>
<input id="${id}" name="${escapeHtml(opts.name)}" type="${opts.type ?? "text"}"${
    opts.value ? ` value="${escapeHtml(opts.value)}"` : ""
  }${opts.autocomplete ? ` autocomplete="${opts.autocomplete}"` : ""}${
    opts.required ? " required" : ""
  }${opts.autofocus ? " autofocus" : ""}${opts.inputmode ? ` inputmode="${opts.inputmode}"` : ""}${
    opts.pattern ? ` pattern="${escapeHtml(opts.pattern)}"` : ""
  }>`;
}

/** The CSS of the card pages, on top of hero.css. */
export const AUTH_CSS = `
.auth-page { min-height: 100vh; display: grid; place-items: center; padding: 24px; }
.auth-card { width: min(420px, 100%); padding: 28px; }
.auth-card h1 { font-size: 22px; margin: 12px 0 6px; }
.auth-card form { display: grid; gap: 8px; margin-top: 14px; }
.auth-card input { width: 100%; box-sizing: border-box; padding: 9px 11px; border-radius: 9px;
  border: 1px solid var(--border); background: var(--bg-2); color: var(--text); font: inherit; }
.auth-card .btn { justify-content: center; width: 100%; margin-top: 6px; }
.auth-card .or { text-align: center; color: var(--muted); margin: 14px 0 4px; }
.auth-brand { display: flex; align-items: center; gap: 10px; font-weight: 700; }
.auth-card .scopes { margin: 10px 0; padding-left: 20px; }
.auth-card code.secret { word-break: break-all; font-size: 15px; }
.auth-card .banner { margin: 10px 0; }
`;
