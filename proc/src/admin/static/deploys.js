// hero_proc deploys: deploy a commit as a service's release, follow it, roll back, history.
import { ago, api, esc, toast } from "./hero_ui.js";

const form = document.querySelector("#deploy-form");
const state = document.querySelector("#deploy-state");
const canMutate = document.body.dataset.canMutate === "true";
const TONES = {
  live: "ok",
  failed: "bad",
  rolled_back: "bad",
  interrupted: "bad",
  fetching: "warn",
  building: "warn",
  switching: "warn",
  waiting_health: "warn",
};

function statePill(s) {
  return `<span class="pill ${TONES[s] ?? ""}">${esc(String(s ?? "—").replace(/_/g, " "))}</span>`;
}

const short = (sha) => (sha ? sha.slice(0, 12) : "—");

function serviceCard(s) {
  const releases =
    s.releases.map((r) =>
      `<tr data-release="${esc(r.sha)}"><td class="mono">${esc(short(r.sha))}${
        r.live ? ' <span class="pill ok">live</span>' : ""
      }</td><td>${statePill(r.last_state)}</td><td class="small muted nowrap">${
        r.last_used ? ago(r.last_used) : "—"
      }</td><td>${
        r.live || !canMutate || s.busy
          ? ""
          : `<button class="btn small" data-rollback="${esc(s.service)}" data-sha="${
            esc(r.sha)
          }">Roll back to ${esc(short(r.sha))}</button>`
      }</td></tr>`
    ).join("") || `<tr><td colspan="4" class="empty">No release on disk.</td></tr>`;
  const history = s.history.map((h) =>
    `<tr data-deploy="${h.id}"><td class="num mono">${h.id}</td><td>${esc(h.kind)}</td>
    <td class="mono">${esc(short(h.sha))}</td><td>${statePill(h.state)}</td>
    <td class="small">${esc(h.reason ?? "")}${
      h.build_job ? ` <a href="jobs#${h.build_job}">build output (job ${h.build_job})</a>` : ""
    }</td><td class="small muted nowrap">${ago(h.started_at)}</td></tr>`
  ).join("");
  return `<div class="card" data-service="${esc(s.service)}"><div class="card-head">
    <h2>${esc(s.service)}</h2><span class="sub">current <code>${esc(short(s.current))}</code></span>
    <span class="spacer"></span>${
    s.busy
      ? `${statePill(s.busy.state)} <span class="small">${esc(s.busy.kind)} ${s.busy.id}</span>`
      : ""
  }</div>
    <div class="card-body flush"><table class="data dense"><caption class="muted small">Releases on disk</caption>
    <thead><tr><th>Release</th><th>Last deploy</th><th>When</th><th>Action</th></tr></thead>
    <tbody>${releases}</tbody></table>
    <table class="data dense"><caption class="muted small">History</caption>
    <thead><tr><th class="num">#</th><th>Kind</th><th>Commit</th><th>State</th><th>Details</th><th>Started</th></tr></thead>
    <tbody>${history}</tbody></table></div></div>`;
}

async function load() {
  const list = await api("api/deploys");
  document.querySelector("#deploys").innerHTML = list.map(serviceCard).join("") ||
    `<div class="card"><div class="card-body empty">Nothing was deployed yet.</div></div>`;
  return list;
}

async function loadServices() {
  const services = await api("api/services");
  document.querySelector("#deploy-service").innerHTML = services.map((s) =>
    `<option>${esc(s.name)}</option>`
  ).join("");
}

/** Polls until the service has nothing under way; shows the outcome. */
async function follow(service, id) {
  for (;;) {
    const list = await load();
    const s = list.find((x) => x.service === service);
    const rec = s?.history.find((h) => h.id === id);
    if (rec) state.innerHTML = `${esc(rec.kind)} ${rec.id}: ${statePill(rec.state)}`;
    if (rec?.ended_at) {
      toast(
        `${service}: ${rec.kind} ${rec.id} ${rec.state.replace(/_/g, " ")}`,
        rec.state === "live" ? "ok" : "bad",
      );
      return rec;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  const data = Object.fromEntries(new FormData(form));
  const button = document.querySelector("#deploy-submit");
  button.disabled = true;
  try {
    const rec = await api(`api/deploys/${encodeURIComponent(data.service)}/deploy`, {
      json: data,
    });
    await follow(data.service, rec.id);
  } catch (err) {
    state.textContent = err.message;
    toast(err.message, "bad");
  } finally {
    button.disabled = false;
  }
});

document.querySelector("#deploys").addEventListener("click", async (e) => {
  const btn = e.target.closest("button[data-rollback]");
  if (!btn) return;
  btn.disabled = true;
  try {
    const rec = await api(`api/deploys/${encodeURIComponent(btn.dataset.rollback)}/rollback`, {
      json: { sha: btn.dataset.sha },
    });
    await follow(btn.dataset.rollback, rec.id);
  } catch (err) {
    toast(err.message, "bad");
    btn.disabled = false;
  }
});

if (!canMutate) {
  for (const el of form.querySelectorAll("input, select, button")) el.disabled = true;
  state.textContent = "Deploying needs an admin session.";
}
await Promise.all([load(), loadServices()]);
setInterval(() => load().catch(() => {}), 3000);
