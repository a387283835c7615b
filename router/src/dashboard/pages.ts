/**
 * The dashboard's server-rendered pages: the frame (sidebar with live service list, top bar)
 * around placeholders that the page modules fill from `/api/*` and keep live over SSE.
 */
import { escapeHtml, type NavGroup, renderPage } from "../../../ui/theme/page_shell.ts";

/** The three kinds of pages. */
export type DashboardPage =
  | { kind: "overview" }
  | { kind: "service"; name: string }
  | { kind: "logs" };

function nav(page: DashboardPage): NavGroup[] {
  return [
    {
      title: "Router",
      items: [
        { href: "/", label: "Overview", icon: "◈", active: page.kind === "overview" },
        { href: "/router-logs", label: "Router logs", icon: "≣", active: page.kind === "logs" },
        { href: "/hero_proc/admin/", label: "hero_proc admin", icon: "⚙" },
      ],
    },
    { title: "Services", items: [], id: "nav-services" },
  ];
}

const OVERVIEW_BODY = `
<div class="stats">
  <div class="card stat"><div class="label">Services</div><div class="value" id="stat-total">–</div><div class="hint">on this host and its peer routers</div></div>
  <div class="card stat ok"><div class="label">Healthy</div><div class="value" id="stat-healthy">–</div><div class="hint">answering /health</div></div>
  <div class="card stat bad"><div class="label">Unhealthy</div><div class="value" id="stat-unhealthy">–</div><div class="hint">failing probes</div></div>
  <div class="card stat"><div class="label">Methods</div><div class="value" id="stat-methods">–</div><div class="hint">OpenRPC methods = MCP tools</div></div>
</div>
<div class="card">
  <div class="card-head"><h2>Services</h2><span class="sub" id="live-state"><span class="pill warn live">connecting</span></span>
  <span class="spacer"></span><button class="btn small" id="rescan">↻ Rescan</button></div>
  <div class="card-body flush"><table class="data" id="services">
  <thead><tr><th>Service</th><th>Health</th><th>Version</th><th class="num">Methods</th><th>Sockets</th><th>Last probe</th></tr></thead>
  <tbody><tr><td colspan="6" class="empty">Waiting for the live stream…</td></tr></tbody></table></div>
</div>
<div class="grid-2">
  <div class="card"><div class="card-head"><h2>Router</h2><span class="sub">hero_router itself</span></div>
  <div class="card-body"><dl class="kv" id="router-health"></dl></div></div>
  <div class="card"><div class="card-head"><h2>Activity</h2><span class="sub">service events as they happen</span></div>
  <div class="card-body flush"><div class="logview" id="activity" style="height:220px;min-height:0"><div class="empty">Waiting for services to come, change or go…</div></div></div></div>
</div>`;

function serviceBody(name: string): string {
  const n = escapeHtml(name);
  return `
<div class="card" id="svc-head"><div class="card-body"><div class="toolbar">
  <div><div style="font-size:20px;font-weight:700" id="svc-title">${n}</div><div class="muted" id="svc-desc"></div></div>
  <span class="spacer" style="flex:1"></span><span id="svc-health"></span><span class="tag" id="svc-version"></span>
</div></div></div>
<div class="card">
  <nav class="tabs">
    <button data-tab="methods">Methods</button><button data-tab="mcp">MCP</button>
    <button data-tab="sockets">Sockets</button><button data-tab="diagnostics">Diagnostics</button>
  </nav>
  <div class="card-body">
    <section class="tab-panel" id="methods"><div id="method-list" class="muted">Loading the OpenRPC document…</div></section>
    <section class="tab-panel" id="mcp"><div id="mcp-panel" class="muted">Loading tools…</div></section>
    <section class="tab-panel" id="sockets"><div id="socket-panel"></div></section>
    <section class="tab-panel" id="diagnostics"><div id="diag-panel"></div></section>
  </div>
</div>`;
}

const LOGS_BODY = `
<div class="card">
  <div class="card-head"><h2>hero_router log</h2><span class="sub">live</span><span class="spacer"></span>
  <div class="toolbar"><select id="log-level"><option value="">all levels</option><option value="info">info+</option>
  <option value="warn">warn+</option><option value="error">error</option></select>
  <input id="log-search" placeholder="Search…"></div></div>
  <div class="logview" id="router-log"></div>
</div>`;

/** Renders one dashboard page. */
export function renderDashboardPage(page: DashboardPage, canMutate: boolean): string {
  const common = {
    product: "hero_router",
    tagline: "services · proxy · MCP",
    css: "/css/hero.css",
    nav: nav(page),
    canMutate,
    footer: `<a href="/api/health">/api/health</a> · MCP at <code>/mcp</code>`,
  };
  if (page.kind === "service") {
    return renderPage({
      ...common,
      title: page.name,
      crumbs: `<a href="/">Overview</a> / service`,
      body: serviceBody(page.name),
      modules: ["/js/hero_ui.js", "/js/dashboard/service.js"],
    });
  }
  if (page.kind === "logs") {
    return renderPage({
      ...common,
      title: "Router logs",
      body: LOGS_BODY,
      modules: ["/js/hero_ui.js", "/js/dashboard/router_logs.js"],
    });
  }
  return renderPage({
    ...common,
    title: "Overview",
    crumbs: "every Hero service on this machine and its peer routers",
    body: OVERVIEW_BODY,
    modules: ["/js/hero_ui.js", "/js/dashboard/overview.js"],
  });
}
