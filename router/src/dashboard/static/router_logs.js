// Router logs page: the router's recent lines, then new ones live over SSE, with level filter
// and search applied in the browser.
// The shared helpers (ui/theme/hero_ui.js), loaded before this module as globalThis.hero.
const { clock, esc } = globalThis.hero;
import { fillServiceNavLive } from "./nav.js";

const ORDER = { debug: 0, info: 1, warn: 2, error: 3 };
const lines = [];
const view = document.querySelector("#router-log");
const level = document.querySelector("#log-level");
const search = document.querySelector("#log-search");

function visible(l) {
  const q = search.value.trim().toLowerCase();
  return ORDER[l.level] >= (ORDER[level.value] ?? 0) && (!q || l.message.toLowerCase().includes(q));
}

function lineHtml(l) {
  return `<div class="logline ${esc(l.level)}"><span class="ts">${clock(l.ts)}</span>` +
    `<span class="lvl">${esc(l.level)}</span><span class="src">hero_router</span>` +
    `<span class="msg">${esc(l.message)}</span></div>`;
}

function renderAll() {
  view.innerHTML = lines.filter(visible).map(lineHtml).join("") ||
    `<div class="empty">No lines match.</div>`;
  view.scrollTop = view.scrollHeight;
}

level.addEventListener("change", renderAll);
search.addEventListener("input", renderAll);
const stream = new EventSource("/api/router-logs/stream");
stream.addEventListener("snapshot", (e) => {
  lines.splice(0, lines.length, ...JSON.parse(e.data));
  renderAll();
});
stream.addEventListener("line", (e) => {
  const l = JSON.parse(e.data);
  lines.push(l);
  if (lines.length > 2000) lines.shift();
  if (!visible(l)) return;
  const stick = view.scrollTop + view.clientHeight >= view.scrollHeight - 30;
  view.querySelector(".empty")?.remove();
  view.insertAdjacentHTML("beforeend", lineHtml(l));
  if (stick) view.scrollTop = view.scrollHeight;
});
fillServiceNavLive();
