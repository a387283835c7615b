// hero_proc jobs: the history (newest first, per service), and one job's details and output.
import { api, clock, duration, esc, pill } from "./hero_ui.js";

const select = document.querySelector("#job-service");
let current = Number(location.hash.slice(1)) || null;

function ran(j) {
  if (!j.started_at) return "—";
  return duration((j.ended_at ?? Date.now()) - j.started_at);
}

async function loadJobs() {
  const service = select.value;
  const jobs = await api(
    `api/jobs?limit=300${service ? `&service=${encodeURIComponent(service)}` : ""}`,
  );
  document.querySelector("#jobs tbody").innerHTML =
    jobs.map((j) =>
      `<tr data-job="${j.id}" style="cursor:pointer" class="${j.id === current ? "flash" : ""}">
    <td class="num mono">${j.id}</td><td><span class="name">${esc(j.service || "ad-hoc")}</span>${
        j.action ? ` · <span class="mono">${esc(j.action)}</span>` : ""
      }
      <div class="desc mono clip" style="max-width:240px" title="${
        esc(Array.isArray(j.command) ? j.command.join(" ") : (j.command ?? ""))
      }">${esc(Array.isArray(j.command) ? j.command.join(" ") : (j.command ?? ""))}</div></td>
    <td>${pill(j.state)}</td><td class="num mono">${
        j.exit_code ?? (j.signal ? esc(j.signal) : "—")
      }</td><td class="num">${j.attempt ?? 1}</td>
    <td class="small muted nowrap">${
        j.started_at ? new Date(j.started_at).toLocaleTimeString([], { hour12: false }) : "—"
      }</td><td class="num">${ran(j)}</td></tr>`
    ).join("") ||
    `<tr><td colspan="7" class="empty">No jobs yet.</td></tr>`;
}

async function loadServices() {
  const services = await api("api/services");
  select.innerHTML = `<option value="">all services</option>` +
    services.map((s) => `<option>${esc(s.name)}</option>`).join("");
}

async function showJob(id) {
  current = id;
  history.replaceState(null, "", `#${id}`);
  const j = await api(`api/jobs/${id}`);
  document.querySelector("#job-title").textContent = `Job #${j.id}`;
  document.querySelector("#job-state").innerHTML = pill(j.state);
  const rows = [
    ["service", j.service ? `${j.service}.${j.action}` : "ad-hoc"],
    ["reason", j.reason],
    ["command", Array.isArray(j.command) ? j.command.join(" ") : j.command],
    ["pid / pgid", `${j.pid ?? "—"} / ${j.pgid ?? "—"}`],
    ["attempt", j.attempt],
    ["exit", j.exit_code ?? j.signal ?? "—"],
    ["started", j.started_at ? new Date(j.started_at).toLocaleString() : "—"],
    ["ended", j.ended_at ? new Date(j.ended_at).toLocaleString() : "—"],
    ["ran", ran(j)],
  ];
  document.querySelector("#job-detail").innerHTML = `<dl class="kv">${
    rows.map(([k, v]) => `<dt>${k}</dt><dd>${esc(v ?? "—")}</dd>`).join("")
  }</dl>`;
  const lines = await api(`api/logs?job=${id}&limit=2000`);
  document.querySelector("#job-logs").innerHTML =
    lines.map((l) =>
      `<div class="logline ${esc(l.level)}"><span class="ts">${clock(l.ts)}</span>
    <span class="lvl">${esc(l.level)}</span><span class="src">${
        esc(l.source)
      }</span><span class="msg">${esc(l.message)}</span></div>`
    ).join("") ||
    `<div class="empty">This job wrote no output.</div>`;
  for (const tr of document.querySelectorAll("#jobs tr[data-job]")) {
    tr.classList.toggle("flash", Number(tr.dataset.job) === id);
  }
}

document.querySelector("#jobs").addEventListener("click", (e) => {
  const tr = e.target.closest("tr[data-job]");
  if (tr) showJob(Number(tr.dataset.job));
});
select.addEventListener("change", loadJobs);
await loadServices();
await loadJobs();
if (current) showJob(current);
setInterval(loadJobs, 5000);
