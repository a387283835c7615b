/**
 * hero_proc admin pages: Services, Jobs, Logs and Terminal, in the shared Hero frame. Links and
 * assets are relative to `<base href>` (the proxy prefix), so the same pages work on admin.sock
 * and through hero_router at `/hero_proc/admin/`.
 */
import { escapeHtml, renderPage } from "../../../ui/theme/page_shell.ts";
import { DEPLOYS_BODY } from "./deploys_page.ts";
import { LOG_LEVELS } from "@hero/sdk/levels";

// The tail's minimum levels: "all levels" already starts at trace, and fatal alone is rare.
const LEVEL_OPTIONS = LOG_LEVELS.slice(1, -1).map((l) => `<option value="${l}">${l}+</option>`)
  .join("");

/** The admin's pages. */
export type AdminPage = "services" | "jobs" | "logs" | "deploys" | "terminal";

const TITLES: Record<AdminPage, string> = {
  services: "Services",
  jobs: "Jobs",
  logs: "Logs",
  deploys: "Deploys",
  terminal: "Terminal",
};

const BODIES: Record<AdminPage, string> = {
  services: `
<div class="stats">
  <div class="card stat"><div class="label">Services</div><div class="value" id="stat-services">–</div><div class="hint" id="stat-actions"></div></div>
  <div class="card stat ok"><div class="label">Running</div><div class="value" id="stat-running">–</div><div class="hint">processes up</div></div>
  <div class="card stat bad"><div class="label">Failed / unhealthy</div><div class="value" id="stat-failed">–</div><div class="hint">need a look</div></div>
  <div class="card stat warn"><div class="label">Restarts</div><div class="value" id="stat-restarts">–</div><div class="hint">since hero_proc started</div></div>
</div>
<div class="card">
  <div class="card-head"><h2>Services</h2><span class="sub" id="live-state"><span class="pill warn live">connecting</span></span><span class="spacer"></span>
  <span class="muted small" id="sys-info"></span></div>
  <div class="card-body flush"><table class="data dense" id="services"><thead><tr><th>Service</th><th>State</th><th>Health</th>
  <th class="num">PID</th><th class="num">Uptime</th><th class="num">Restarts</th><th class="num">CPU</th><th class="num">Memory</th><th>Control</th></tr></thead>
  <tbody><tr><td colspan="9" class="empty">Loading…</td></tr></tbody></table></div>
</div>`,
  jobs: `
<div class="grid-2" style="grid-template-columns: minmax(0, 1.25fr) minmax(0, 1fr)">
  <div class="card"><div class="card-head"><h2>Job history</h2><span class="sub">newest first</span><span class="spacer"></span>
    <select id="job-service"><option value="">all services</option></select></div>
    <div class="card-body flush" style="max-height:72vh;overflow:auto"><table class="data" id="jobs"><thead><tr><th class="num">#</th><th>Service · action</th><th>State</th>
    <th class="num">Exit</th><th class="num">Attempt</th><th>Started</th><th class="num">Ran</th></tr></thead><tbody></tbody></table></div></div>
  <div class="card"><div class="card-head"><h2 id="job-title">Job output</h2><span class="spacer"></span><span id="job-state"></span></div>
    <div class="card-body" id="job-detail"><div class="muted">Pick a job to see its details and its output.</div></div>
    <div class="logview compact" id="job-logs" style="height:48vh"></div></div>
</div>`,
  logs: `
<div class="logs-layout">
  <div class="card"><div class="card-head"><h2>Sources</h2><span class="spacer"></span>
    <button class="btn small" id="tree-expand" title="Expand all">⊞</button><button class="btn small" id="tree-collapse" title="Collapse all">⊟</button></div>
    <div class="tree" id="log-tree"><div class="muted">Loading…</div></div></div>
  <div class="card"><div class="card-head"><h2 id="tail-title">All sources</h2><span class="sub" id="tail-state"></span><span class="spacer"></span>
    <div class="toolbar">
      <select id="tail-level" aria-label="Minimum level"><option value="">all levels</option>${LEVEL_OPTIONS}</select>
      <input id="tail-search" placeholder="Search…" style="width:200px">
      <button class="btn small" id="tail-pause">❚❚ Pause</button><button class="btn small" id="tail-clear">Clear</button>
    </div></div>
    <div class="logview" id="tail"></div></div>
</div>`,
  deploys: DEPLOYS_BODY,
  terminal: `
<div class="card">
  <div class="card-head"><h2>Shell</h2><span class="sub" id="term-state"><span class="pill warn live">connecting</span></span><span class="spacer"></span>
  <span class="muted small">a login shell on this machine, as the user running hero_proc</span>
  <button class="btn small" id="term-reconnect">↻ New session</button></div>
  <div class="term-wrap" id="terminal"></div>
</div>`,
};

/** Renders one admin page; `base` is the URL prefix ending in `/`. */
export function renderAdminPage(page: AdminPage, base: string, canMutate: boolean): string {
  const items = (["services", "jobs", "logs", "deploys", "terminal"] as AdminPage[]).map((p) => ({
    href: p === "services" ? "./" : p,
    label: TITLES[p],
    icon: { services: "▤", jobs: "◷", logs: "≣", deploys: "⇪", terminal: "›_" }[p],
    active: p === page,
  }));
  const viaRouter = base !== "/";
  const nav = [{ title: "hero_proc", items }];
  if (viaRouter) {
    nav.push({
      title: "System",
      items: [{ href: "/", label: "hero_router dashboard", icon: "◈", active: false }],
    });
  }
  return renderPage({
    product: "hero_proc",
    tagline: "process supervisor",
    title: TITLES[page],
    crumbs: viaRouter ? `via hero_router at <code>${escapeHtml(base)}</code>` : "on admin.sock",
    nav,
    body: page === "terminal" && !canMutate
      ? `<div class="banner warn">🔒 The terminal needs an admin session: sign in as a user who may change hero_proc (or open the dashboard URL printed by <code>npm start</code>, which carries <code>?token=</code>).</div>`
      : BODIES[page],
    css: "css/hero.css",
    extraCss: page === "terminal" ? ["vendor/xterm.css"] : [],
    modules: page === "terminal" && !canMutate ? [] : [`js/${page}.js`],
    base,
    canMutate,
  });
}
