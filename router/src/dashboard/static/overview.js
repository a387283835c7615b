// Dashboard overview: the service table, counters, sidebar and activity feed, all kept live by
// the router's SSE stream (/api/events): no polling.
// The shared helpers (ui/theme/hero_ui.js), loaded before this module as globalThis.hero.
const { ago, api, esc, pill, toast } = globalThis.hero;
import { fillServiceNav } from "./nav.js";

const services = new Map();
const flash = new Set();

function sockets(s) {
  return s.sockets.map((k) =>
    k.kind === "rpc"
      ? `<span class="tag accent" title="${esc(k.path)}">${esc(k.name)}</span>`
      : `<a class="tag" href="/${esc(s.name)}/${esc(k.name)}/" title="open through the proxy">${
        esc(k.name)
      } ↗</a>`
  ).join("");
}

function render() {
  const list = [...services.values()].sort((a, b) => a.name.localeCompare(b.name));
  const body = document.querySelector("#services tbody");
  body.innerHTML = list.length
    ? list.map((s) =>
      `<tr data-service="${esc(s.name)}" class="${flash.has(s.name) ? "flash" : ""}">
        <td><a class="name" href="/service/${encodeURIComponent(s.name)}">${
        esc(s.title || s.name)
      }</a>
          <div class="desc">${
        s.host
          ? `<span class="tag" title="on peer router ${esc(s.host)}">${esc(s.host)}</span> `
          : ""
      }${esc(s.name)}${s.description ? " — " + esc(s.description) : ""}</div></td>
        <td>${pill(s.health)}${
        s.error
          ? `<div class="desc" title="${esc(s.error)}">${esc(s.error.slice(0, 60))}</div>`
          : ""
      }</td>
        <td><span class="tag">${esc(s.version || "—")}</span></td>
        <td class="num">${s.methodCount}</td>
        <td class="nowrap">${sockets(s)}</td>
        <td class="muted small">${ago(s.probedAt)}</td></tr>`
    ).join("")
    : `<tr><td colspan="6" class="empty">No services yet. Start one and it appears here at once.</td></tr>`;
  flash.clear();
  const count = (h) => list.filter((s) => s.health === h).length;
  document.querySelector("#stat-total").textContent = list.length;
  document.querySelector("#stat-healthy").textContent = count("healthy");
  document.querySelector("#stat-unhealthy").textContent = count("unhealthy");
  document.querySelector("#stat-methods").textContent = list.reduce((n, s) => n + s.methodCount, 0);
  fillServiceNav(list);
}

function activity(type, s) {
  const box = document.querySelector("#activity");
  box.querySelector(".empty")?.remove();
  const line = document.createElement("div");
  const tone = type === "service.removed" ? "warn" : type === "service.added" ? "info" : "debug";
  line.className = `logline new ${tone}`;
  line.style.gridTemplateColumns = "92px 130px 1fr";
  line.innerHTML = `<span class="ts">${new Date().toLocaleTimeString([], { hour12: false })}</span>
    <span class="lvl">${esc(type)}</span><span class="msg">${esc(s.name)} · ${
    esc(s.health)
  }</span>`;
  box.prepend(line);
  while (box.children.length > 200) box.lastChild.remove();
}

async function routerHealth() {
  try {
    const h = await api("/api/health");
    const rows = [
      ["status", pill(h.status)],
      ["socket root", esc(h.socketRoot)],
      ["TCP listeners", esc((h.tcpListeners ?? []).join(", ") || "none")],
      [
        "peer routers",
        (h.peers ?? []).map((p) => `${esc(p.name)} ${pill(p.up ? "up" : "unreachable")}`).join(
          " ",
        ) || "none",
      ],
      ["last scan", esc(ago(h.lastScanAt))],
      ["pending probes", esc(h.pendingProbes)],
      ["uptime", esc(`${h.uptime_s}s`)],
    ];
    document.querySelector("#router-health").innerHTML = rows.map(([k, v]) =>
      `<dt>${k}</dt><dd>${v}</dd>`
    )
      .join("");
  } catch (err) {
    document.querySelector("#router-health").textContent = err.message;
  }
}

function connect() {
  const live = document.querySelector("#live-state");
  const events = new EventSource("/api/events");
  events.onopen = () => (live.innerHTML = `<span class="pill ok live">live</span>`);
  events.onerror = () => (live.innerHTML = `<span class="pill warn live">reconnecting</span>`);
  events.addEventListener("snapshot", (e) => {
    services.clear();
    for (const s of JSON.parse(e.data).services) services.set(s.name, s);
    render();
  });
  for (const type of ["service.added", "service.changed", "service.removed"]) {
    events.addEventListener(type, (e) => {
      const s = JSON.parse(e.data).service;
      if (type === "service.removed") services.delete(s.name);
      else services.set(s.name, s), flash.add(s.name);
      activity(type, s);
      render();
      routerHealth();
    });
  }
}

document.querySelector("#rescan").addEventListener("click", async () => {
  try {
    const r = await api("/api/scan", { method: "POST" });
    toast(`Scan: ${r.services} services, ${r.sockets} sockets in ${r.durationMs} ms`, "ok");
    routerHealth();
  } catch (err) {
    toast(err.message, "bad");
  }
});
setInterval(render, 10_000); // refreshes the "last probe … ago" column only
connect();
routerHealth();
