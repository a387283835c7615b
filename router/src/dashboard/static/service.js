// A service's page: its OpenRPC methods (params, results, errors, examples) with a "try it"
// form each, the MCP tools a client sees with a ready-to-copy client configuration, its sockets
// and live diagnostics. The header follows the router's SSE stream.
// The shared helpers (ui/theme/hero_ui.js), loaded before this module as globalThis.hero.
const { ago, api, esc, initCopyButtons, initTabs, jsonHtml, pill, toast } = globalThis.hero;
import {
  paramFields,
  paramsTable,
  readParams,
  resolve,
  schemaBox,
  typeLabel,
} from "./json_form.js";
import { fillServiceNavLive } from "./nav.js";

const name = decodeURIComponent(location.pathname.split("/service/")[1] ?? "");
const canMutate = document.body.dataset.canMutate === "true";
let doc = null;

function header(entry) {
  document.querySelector("#svc-title").textContent = entry.title || entry.name;
  document.querySelector("#svc-desc").textContent = entry.description || entry.name;
  document.querySelector("#svc-health").innerHTML = pill(entry.health);
  document.querySelector("#svc-version").textContent = entry.version
    ? `v${entry.version}`
    : "no version";
}

function methodCard(m) {
  const result = m.result ? resolve(m.result.schema, doc) : null;
  const examples = (m.examples ?? []).map((ex) =>
    `<div class="small muted">${esc(ex.name ?? "example")}</div>${
      schemaBox({
        params: Object.fromEntries((ex.params ?? []).map((p) => [p.name, p.value])),
        result: ex.result?.value,
      })
    }`
  ).join("");
  const hints = Object.entries(m["x-hero-annotations"] ?? m.annotations ?? {})
    .filter(([, v]) => v === true).map(([k]) =>
      `<span class="tag">${esc(k.replace(/Hint$/, ""))}</span>`
    ).join("");
  return `<details class="method" data-method="${esc(m.name)}">
    <summary><span class="mname">${esc(m.name)}</span><span class="msum">${
    esc(m.summary ?? "")
  }</span>
    <span style="flex:1"></span>${hints}<span class="tag">${
    (m.params ?? []).length
  } params</span></summary>
    <div class="mbody">
      <div>
        ${m.description ? `<p class="muted">${esc(m.description)}</p>` : ""}
        <h4>Parameters</h4>${paramsTable(m, doc)}
        <h4>Result${
    m.result
      ? ` · <span class="mono">${esc(m.result.name)}</span> <span class="tag">${
        esc(typeLabel(m.result.schema, doc))
      }</span>`
      : ""
  }</h4>
        ${result ? schemaBox(result) : `<div class="muted small">no result declared</div>`}
        ${
    (m.errors ?? []).length
      ? `<h4>Errors</h4>${
        m.errors.map((e) =>
          `<div class="small"><span class="tag">${esc(e.code)}</span> ${esc(e.message)}</div>`
        ).join("")
      }`
      : ""
  }
        ${examples ? `<h4>Examples</h4>${examples}` : ""}
      </div>
      <form class="try" data-try="${esc(m.name)}">
        <h4>Try it</h4>
        ${paramFields(m, doc)}
        <div class="toolbar"><button class="btn primary" type="submit" ${
    canMutate ? "" : 'disabled title="needs the admin session"'
  }>▶ Call ${esc(m.name)}</button>
        <span class="muted small" data-role="timing"></span></div>
        <pre class="schema result-box" data-role="result"><span class="muted">The result appears here.</span></pre>
      </form>
    </div></details>`;
}

function renderMethods() {
  const box = document.querySelector("#method-list");
  const methods = doc?.methods ?? [];
  if (!doc) {
    box.innerHTML =
      `<div class="banner warn">This service has no OpenRPC document (it serves a UI or is not reachable).</div>`;
    return;
  }
  box.innerHTML =
    `<div class="toolbar" style="margin-bottom:12px"><input id="method-filter" placeholder="Filter ${methods.length} methods…" style="min-width:280px">
    <span class="muted small">OpenRPC ${esc(doc.openrpc ?? "")} · ${esc(doc.info?.title ?? "")} ${
      esc(doc.info?.version ?? "")
    }</span></div>` +
    methods.map(methodCard).join("");
  box.querySelector("#method-filter").addEventListener("input", (e) => {
    const q = e.target.value.toLowerCase();
    for (const d of box.querySelectorAll("details.method")) {
      d.style.display = d.dataset.method.toLowerCase().includes(q) ? "" : "none";
    }
  });
  for (const form of box.querySelectorAll("form[data-try]")) {
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const out = form.querySelector("[data-role=result]");
      const timing = form.querySelector("[data-role=timing]");
      out.className = "schema result-box";
      try {
        const params = readParams(form);
        timing.textContent = "calling…";
        const r = await api("/api/dashboard/call", {
          json: { service: name, method: form.dataset.try, params },
        });
        timing.textContent = `${r.ok ? "ok" : "error"} in ${r.ms} ms`;
        out.classList.add(r.ok ? "ok" : "err");
        out.innerHTML = jsonHtml(r.ok ? r.result : r.error);
      } catch (err) {
        timing.textContent = "";
        out.classList.add("err");
        out.textContent = err.message;
      }
    });
  }
  const wanted = new URLSearchParams(location.search).get("method");
  if (wanted) {
    box.querySelector(`details[data-method="${CSS.escape(wanted)}"]`)?.setAttribute("open", "");
  }
}

async function renderMcp() {
  const box = document.querySelector("#mcp-panel");
  try {
    const { tools } = await api(`/api/dashboard/tools/${encodeURIComponent(name)}`);
    // A peer's services are served at /mcp with the others (the per-service endpoint is local).
    const url = `${location.origin}/mcp${name.includes("/") ? "" : `/${name}`}`;
    const config = { mcpServers: { [`hero_${name.replace("/", "_")}`]: { type: "http", url } } };
    box.innerHTML = `<div class="grid-2" style="margin-bottom:18px">
      <div><h4 class="muted small">MCP endpoint</h4><div class="copy-wrap"><pre class="schema" id="mcp-url">${
      esc(url)
    }</pre>
      <button class="btn small" data-copy="#mcp-url">Copy</button></div>
      <p class="small muted">Streamable HTTP, protocol 2025-11-25 (sessions) and 2026-07-28 (stateless). All services together: <code>${
      esc(location.origin)
    }/mcp</code></p>
      <h4 class="muted small">Claude Code</h4><div class="copy-wrap"><pre class="schema" id="mcp-cli">claude mcp add --transport http hero_${
      esc(name.replace("/", "_"))
    } ${esc(url)}</pre>
      <button class="btn small" data-copy="#mcp-cli">Copy</button></div></div>
      <div><h4 class="muted small">Client configuration (mcp.json)</h4><div class="copy-wrap"><pre class="schema" id="mcp-config">${
      esc(JSON.stringify(config, null, 2))
    }</pre>
      <button class="btn small" data-copy="#mcp-config">Copy</button></div></div></div>
      <h4 class="muted small">${tools.length} tools, as <code>tools/list</code> returns them</h4>` +
      (tools.length
        ? tools.map((t) =>
          `<details class="method"><summary><span class="mname">${esc(t.name)}</span>
            <span class="msum">${esc(t.title ?? "")}</span><span style="flex:1"></span>${
            Object.entries(t.annotations ?? {}).filter(([, v]) => v).map(([k]) =>
              `<span class="tag">${esc(k)}</span>`
            ).join("")
          }</summary><div class="mbody"><div><h4>Description</h4><p class="muted">${
            esc(t.description)
          }</p></div>
            <div><h4>inputSchema</h4>${schemaBox(t.inputSchema)}</div></div></details>`
        ).join("")
        : `<div class="banner">This service exposes no tools.</div>`);
    initCopyButtons(box);
  } catch (err) {
    box.innerHTML = `<div class="banner bad">${esc(err.message)}</div>`;
  }
}

function renderSockets(entry) {
  document.querySelector("#socket-panel").innerHTML =
    `<table class="data"><thead><tr><th>Socket</th><th>Kind</th>
    <th>Protocol</th><th>Reachable</th><th>Path</th><th>Open</th></tr></thead><tbody>${
      entry.sockets.map((s) =>
        `<tr><td class="name mono">${esc(s.name)}</td><td><span class="tag">${
          esc(s.kind)
        }</span></td>
      <td>${esc(s.protocol ?? "—")}</td><td>${
          s.reachable === undefined ? pill("unknown") : pill(s.reachable ? "ok" : "down")
        }${s.error ? `<div class="desc">${esc(s.error)}</div>` : ""}</td>
      <td class="mono small">${esc(s.path)}</td><td>${
          s.kind === "rpc"
            ? `<span class="muted small">JSON-RPC only</span>`
            : `<a class="btn small" href="/${esc(entry.name)}/${esc(s.name)}/">open ↗</a>`
        }</td></tr>`
      ).join("") ||
      `<tr><td colspan="6" class="empty">${
        entry.url ? `manual source: ${esc(entry.url)}` : "no sockets"
      }</td></tr>`
    }</tbody></table>`;
}

async function renderDiagnostics() {
  const box = document.querySelector("#diag-panel");
  box.innerHTML = `<div class="muted">Probing…</div>`;
  try {
    const { entry, timings } = await api(`/api/dashboard/probe/${encodeURIComponent(name)}`);
    box.innerHTML = `<div class="grid-2"><div><dl class="kv">
      <dt>health</dt><dd>${pill(entry.health)}</dd><dt>status</dt><dd>${
      esc(entry.status ?? "—")
    }</dd>
      <dt>last probe</dt><dd>${esc(entry.probedAt ?? "never")} (${esc(ago(entry.probedAt))})</dd>
      <dt>last error</dt><dd>${
      entry.error ? `<span style="color:var(--bad)">${esc(entry.error)}</span>` : "none"
    }</dd>
      <dt>source</dt><dd>${esc(entry.source)}</dd><dt>rpc target</dt><dd>${
      esc(entry.rpcTarget ?? "—")
    }</dd>
      <dt>methods</dt><dd>${esc(entry.methodCount)}</dd></dl></div>
      <div><div class="toolbar" style="margin-bottom:8px"><strong>Probe timings, now</strong><span class="spacer" style="flex:1"></span>
      <button class="btn small" id="reprobe">↻ Probe again</button></div>
      <table class="data"><thead><tr><th>Socket</th><th>Request</th><th>Status</th><th class="num">Time</th><th class="num">Bytes</th></tr></thead><tbody>${
      timings.map((t) =>
        `<tr><td class="mono">${esc(t.socket)}</td><td class="mono small">GET ${esc(t.path)}</td>
          <td class="nowrap">${
          t.status === null
            ? pill("failed") + `<div class="desc">${esc(t.error)}</div>`
            : `<span class="pill ${t.status < 400 ? "ok" : "bad"}">HTTP ${esc(t.status)}</span>`
        }</td>
          <td class="num">${esc(t.ms)} ms</td><td class="num">${esc(t.bytes)}</td></tr>`
      ).join("")
    }</tbody></table></div></div>`;
    box.querySelector("#reprobe").addEventListener("click", renderDiagnostics);
  } catch (err) {
    box.innerHTML = `<div class="banner bad">${esc(err.message)}</div>`;
  }
}

async function load() {
  try {
    const detail = await api(`/api/services/${encodeURIComponent(name)}`);
    doc = detail.openrpc;
    header(detail);
    renderMethods();
    renderSockets(detail);
  } catch (err) {
    document.querySelector("#method-list").innerHTML = `<div class="banner bad">${
      esc(err.message)
    }</div>`;
  }
  renderMcp();
  renderDiagnostics();
}

initTabs();
fillServiceNavLive((type, data) => {
  if (!data || data.service.name !== name) return;
  if (type === "service.removed") {
    document.querySelector("#svc-health").innerHTML = pill("down");
    toast(`${name} went away`, "bad");
  } else if (data.openrpcChanged) load();
  else (header(data.service), renderSockets(data.service));
});
load();
