/**
 * The page frame both Hero UIs share: sidebar with brand and navigation, top bar with title,
 * access badge and theme toggle, then the page's own content. Pages are server-rendered HTML
 * with small ES modules on top, so there is no build step.
 */

/** One entry of the sidebar. */
export interface NavItem {
  href: string;
  label: string;
  icon: string;
  active?: boolean;
  /** Extra HTML after the label (a count, a status dot). */
  extra?: string;
}

/** A group of sidebar entries under a title. */
export interface NavGroup {
  title: string;
  items: NavItem[];
  /** Element id of the group's list, for pages that fill it live. */
  id?: string;
}

/** What a page puts into the frame. */
export interface PageOptions {
  /** Product shown beside the logo (`hero_router`, `hero_proc`). */
  product: string;
  /** Subtitle under the product name. */
  tagline: string;
  title: string;
  /** HTML after the title (breadcrumbs). */
  crumbs?: string;
  nav: NavGroup[];
  /** The page content (HTML). */
  body: string;
  /** URL of the shared stylesheet. */
  css: string;
  /** Extra stylesheets (xterm.css). */
  extraCss?: string[];
  /** ES module URLs to load. */
  modules: string[];
  /** `<base href>`, for UIs served under a proxy prefix. */
  base?: string;
  /** Whether this browser may change things (shown as a badge). */
  canMutate: boolean;
  /** HTML at the bottom of the sidebar. */
  footer?: string;
}

const FAVICON = "data:image/svg+xml," + encodeURIComponent(
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><defs><linearGradient id="g" x1="0" ` +
    `y1="0" x2="1" y2="1"><stop offset="0" stop-color="#7c5cff"/><stop offset="1" stop-color="#22d3ee"/>` +
    `</linearGradient></defs><rect width="64" height="64" rx="16" fill="url(#g)"/><text x="32" y="44" ` +
    `font-size="34" font-family="sans-serif" font-weight="800" text-anchor="middle" fill="#fff">H</text></svg>`,
);

/** Escapes text for HTML. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Renders a full HTML page. */
export function renderPage(opts: PageOptions): string {
  const nav = opts.nav.map((g) =>
    `<div class="nav-title">${escapeHtml(g.title)}</div><nav class="nav"${
      g.id ? ` id="${g.id}"` : ""
    }>${
      g.items.map((i) =>
        `<a href="${escapeHtml(i.href)}"${
          i.active ? ' class="active"' : ""
        }><span class="icon">${i.icon}</span>${escapeHtml(i.label)}${i.extra ?? ""}</a>`
      ).join("")
    }</nav>`
  ).join("");
  const access = opts.canMutate
    ? `<span class="pill ok lock" title="This browser may start, stop and call">admin session</span>`
    : `<span class="pill warn lock" id="read-only" title="Sign in as an administrator to change things">read-only</span>`;
  return `<!doctype html>
<html lang="en" data-theme="dark"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${opts.base ? `<base href="${escapeHtml(opts.base)}">` : ""}
<title>${escapeHtml(opts.title)} · ${escapeHtml(opts.product)}</title>
<script>document.documentElement.dataset.theme = localStorage.getItem("hero-theme") || "dark";</script>
<link rel="icon" href="${FAVICON}">
<link rel="stylesheet" href="${escapeHtml(opts.css)}">
${(opts.extraCss ?? []).map((c) => `<link rel="stylesheet" href="${escapeHtml(c)}">`).join("\n")}
</head><body data-can-mutate="${opts.canMutate}">
<div class="app">
<aside class="sidebar">
<div class="brand"><div class="brand-logo">H</div><div><div class="brand-name">${
    escapeHtml(opts.product)
  }</div><div class="brand-sub">${escapeHtml(opts.tagline)}</div></div></div>
${nav}
<div class="sidebar-foot">${opts.footer ?? ""}</div>
</aside>
<main class="main">
<header class="topbar"><h1>${escapeHtml(opts.title)}</h1><span class="crumbs">${
    opts.crumbs ?? ""
  }</span>
<span class="spacer"></span>${access}
<button class="btn theme-toggle" id="theme-toggle" title="Dark / light">☀</button></header>
<div class="content">${opts.body}</div>
</main></div>
${opts.modules.map((m) => `<script type="module" src="${escapeHtml(m)}"></script>`).join("\n")}
</body></html>`;
}
