// hero_proc services: state, pid, uptime, restarts, health, CPU and memory of every service and
// its actions, live over SSE (the server pushes only changes); start, stop and restart buttons.
import { api, bytes, duration, esc, pill, toast } from "./hero_ui.js";

const canMutate = document.body.dataset.canMutate === "true";
const open = new Set();
let last = [];

// Icon buttons with the verb and the service as their accessible name (and tooltip), so the
// table fits a 1280 px window with its Control column whole.
function controls(s) {
  const dis = canMutate ? "" : 'disabled title="needs the admin session"';
  const up = s.state !== "stopped" && s.state !== "failed" && s.state !== "succeeded";
  const button = (op, icon, cls, off) =>
    `<button class="btn small icon ${cls}" data-op="${op}" data-name="${esc(s.name)}" ` +
    `aria-label="${op[0].toUpperCase()}${op.slice(1)} ${esc(s.name)}" ${
      canMutate ? `title="${op[0].toUpperCase()}${op.slice(1)}"` : dis
    } ${off ? "disabled" : ""}>${icon}</button>`;
  return `<div class="btn-group nowrap">${button("start", "▶", "ok", up)}${
    button("stop", "■", "danger", !up)
  }${button("restart", "↻", "", false)}</div>`;
}

function cpu(p) {
  return `<div style="display:flex;align-items:center;gap:8px;justify-content:flex-end"><span>${
    (p ?? 0).toFixed(1)
  }%</span>
    <div class="bar" style="width:36px;min-width:36px"><span style="width:${
    Math.min(100, p ?? 0)
  }%"></span></div></div>`;
}

function actionRows(s) {
  return s.actions.map((a) =>
    `<tr class="action-row" data-parent="${esc(s.name)}">
    <td style="padding-left:40px"><span class="mono">↳ ${esc(a.name)}</span> <span class="tag">${
      esc(a.kind)
    }</span>
      ${a.reason ? `<div class="desc">${esc(a.reason)}</div>` : ""}</td>
    <td>${pill(a.state)}</td><td>${pill(a.health)}</td><td class="num mono">${a.pid ?? "—"}</td>
    <td class="num">${
      duration(a.uptime_ms)
    }</td><td class="num">${a.restarts}</td><td class="num">${cpu(a.cpu_percent)}</td>
    <td class="num">${bytes(a.memory_bytes)}</td>
    <td>${
      a.job_id ? `<a class="btn small" href="jobs#${a.job_id}">job #${a.job_id}</a> ` : ""
    }<a class="btn small" href="logs#source=${
      encodeURIComponent(`${s.name}.${a.name}`)
    }">logs</a></td></tr>`
  )
    .join("");
}

function render(services) {
  last = services;
  const body = document.querySelector("#services tbody");
  body.innerHTML = services.length
    ? services.map((s) =>
      `<tr data-service="${esc(s.name)}">
      <td class="nowrap"><span class="twisty" data-toggle="${
        esc(s.name)
      }" style="cursor:pointer;color:var(--faint)">${open.has(s.name) ? "▾" : "▸"}</span>
        <span class="name">${esc(s.name)}</span> <span class="tag">${s.actions.length} action${
        s.actions.length === 1 ? "" : "s"
      }</span>
        <div class="desc clip" style="max-width:190px" title="${esc(s.description)}">${
        esc(s.description || (s.autostart ? "autostart" : "manual start"))
      } · ${esc(s.source)}</div></td>
      <td>${pill(s.state)}</td><td>${pill(s.health)}</td><td class="num mono">${s.pid ?? "—"}</td>
      <td class="num">${
        duration(s.uptime_ms)
      }</td><td class="num">${s.restarts}</td><td class="num">${cpu(s.cpu_percent)}</td>
      <td class="num">${bytes(s.memory_bytes)}</td><td>${controls(s)}</td></tr>${
        open.has(s.name) ? actionRows(s) : ""
      }`
    ).join("")
    : `<tr><td colspan="9" class="empty">No services are defined. Add one with <code>hero_proc add NAME -- CMD</code> or a TOML file.</td></tr>`;
  const count = (f) => services.filter(f).length;
  document.querySelector("#stat-services").textContent = services.length;
  document.querySelector("#stat-actions").textContent = `${
    services.reduce((n, s) => n + s.actions.length, 0)
  } actions`;
  document.querySelector("#stat-running").textContent = count((s) => s.state === "running");
  document.querySelector("#stat-failed").textContent = count((s) =>
    s.state === "failed" || s.health === "unhealthy"
  );
  document.querySelector("#stat-restarts").textContent = services.reduce(
    (n, s) => n + s.restarts,
    0,
  );
}

document.querySelector("#services").addEventListener("click", async (e) => {
  const toggle = e.target.closest("[data-toggle]");
  if (toggle) {
    const n = toggle.dataset.toggle;
    open.has(n) ? open.delete(n) : open.add(n);
    return render(last);
  }
  const btn = e.target.closest("button[data-op]");
  if (!btn) return;
  const { op, name } = btn.dataset;
  if (op !== "start" && name === "hero_router" && document.baseURI.includes("/hero_proc/admin/")) {
    const sure = confirm(
      "This page reaches hero_proc through hero_router: it goes blank until hero_router is back. Go on?",
    );
    if (!sure) return;
  }
  btn.disabled = true;
  toast(`${op} ${name}…`);
  try {
    const st = await api(`api/services/${encodeURIComponent(name)}/${op}`, { method: "POST" });
    toast(`${name}: ${st.state}`, "ok");
  } catch (err) {
    toast(err.message, "bad");
    btn.disabled = false;
  }
});

async function info() {
  try {
    const i = await api("api/info");
    document.querySelector("#sys-info").textContent = `hero_proc ${i.version} · pid ${i.pid} · up ${
      duration(i.uptime_s * 1000)
    } · ${i.running_actions} running actions`;
  } catch { /* still starting */ }
}

const live = document.querySelector("#live-state");
const stream = new EventSource("api/stream/services");
stream.onopen = () => (live.innerHTML = `<span class="pill ok live">live</span>`);
stream.onerror = () => (live.innerHTML = `<span class="pill warn live">reconnecting</span>`);
stream.addEventListener("services", (e) => render(JSON.parse(e.data)));
info();
setInterval(info, 15_000);
