// hero_proc logs: the source prefix tree (expand, collapse, counts) and a live tail of the
// selected prefix over SSE, with a minimum level and a search applied on the server. The
// selection, level and search live in the URL's hash (#source=…&level=…&q=…), so a link to a
// view survives a reload; lines of an earlier instance of a service are marked as such, and
// structured fields are shown after the message.
import { api, clock, esc } from "./hero_ui.js";

const treeBox = document.querySelector("#log-tree");
const tail = document.querySelector("#tail");
const level = document.querySelector("#tail-level");
const search = document.querySelector("#tail-search");
const state = document.querySelector("#tail-state");
const collapsed = new Set();
let selected = "";

/** Reads the view from the hash; a bare `#prefix` (older links) is the selected source. */
function readView() {
  const hash = location.hash.slice(1);
  const view = hash.includes("=") ? new URLSearchParams(hash) : new URLSearchParams();
  selected = hash.includes("=") ? view.get("source") ?? "" : decodeURIComponent(hash);
  level.value = view.get("level") ?? "";
  search.value = view.get("q") ?? "";
}
readView();

/** Writes the view into the hash, against this page's path (the page has a <base href>). */
function saveView() {
  const view = new URLSearchParams();
  if (selected) view.set("source", selected);
  if (level.value) view.set("level", level.value);
  if (search.value.trim()) view.set("q", search.value.trim());
  const h = view.toString();
  history.replaceState(null, "", `${location.pathname}${location.search}${h ? `#${h}` : ""}`);
}
let stream = null;
let paused = false;
let shown = 0;

function nodeHtml(n, depth) {
  const has = n.children.length > 0;
  const isCollapsed = collapsed.has(n.path) || (depth >= 2 && !collapsed.has(`open:${n.path}`));
  return `<li class="${has && isCollapsed ? "collapsed" : ""}" data-prefix="${esc(n.path)}">
    <div class="node ${n.path === selected ? "selected" : ""}" data-prefix="${esc(n.path)}">
      <span class="twisty" data-twisty="${esc(n.path)}">${
    has ? (isCollapsed ? "▸" : "▾") : "·"
  }</span>
      <span class="seg">${
    esc(n.name || "all sources")
  }</span><span class="cnt">${n.lines.toLocaleString()}</span></div>
    ${has ? `<ul>${n.children.map((c) => nodeHtml(c, depth + 1)).join("")}</ul>` : ""}</li>`;
}

function renderTree(root) {
  const scroll = treeBox.scrollTop;
  treeBox.innerHTML = `<ul>${nodeHtml(root, 0)}</ul>`;
  treeBox.scrollTop = scroll;
}

function followTree() {
  const treeStream = new EventSource("api/logs/tree/stream");
  treeStream.addEventListener("tree", (e) => renderTree(JSON.parse(e.data)));
}

function toggle(prefix) {
  const li = treeBox.querySelector(`li[data-prefix="${CSS.escape(prefix)}"]`);
  const nowCollapsed = !li.classList.contains("collapsed");
  li.classList.toggle("collapsed", nowCollapsed);
  li.querySelector(".twisty").textContent = nowCollapsed ? "▸" : "▾";
  if (nowCollapsed) (collapsed.add(prefix), collapsed.delete(`open:${prefix}`));
  else (collapsed.delete(prefix), collapsed.add(`open:${prefix}`));
}

treeBox.addEventListener("click", (e) => {
  const tw = e.target.closest("[data-twisty]");
  if (tw && tw.textContent !== "·") return toggle(tw.dataset.twisty);
  const node = e.target.closest(".node");
  if (!node) return;
  selected = node.dataset.prefix;
  for (const n of treeBox.querySelectorAll(".node")) n.classList.toggle("selected", n === node);
  follow();
});

function setAll(open) {
  for (const li of treeBox.querySelectorAll("li")) {
    if (!li.querySelector("ul")) continue;
    li.classList.toggle("collapsed", !open);
    li.querySelector(".twisty").textContent = open ? "▾" : "▸";
    const p = li.dataset.prefix;
    if (open) (collapsed.delete(p), collapsed.add(`open:${p}`));
    else (collapsed.add(p), collapsed.delete(`open:${p}`));
  }
}
document.querySelector("#tree-expand").addEventListener("click", () => setAll(true));
document.querySelector("#tree-collapse").addEventListener("click", () => setAll(false));

function highlight(text) {
  const q = search.value.trim();
  const safe = esc(text);
  if (!q) return safe;
  const re = new RegExp(esc(q).replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi");
  return safe.replace(re, (m) => `<mark>${m}</mark>`);
}

/** Structured fields as `key=value` chips. */
function fieldsHtml(fields) {
  if (!fields || typeof fields !== "object") return "";
  const chips = Object.entries(fields).map(([k, v]) =>
    `<span class="field"><span class="k">${esc(k)}</span>=${
      esc(typeof v === "string" ? v : JSON.stringify(v))
    }</span>`
  );
  return chips.length ? ` <span class="fields">${chips.join(" ")}</span>` : "";
}

function append(lines, fresh) {
  if (!lines.length) return;
  const stick = tail.scrollTop + tail.clientHeight >= tail.scrollHeight - 40;
  tail.querySelector(".empty")?.remove();
  tail.insertAdjacentHTML(
    "beforeend",
    lines.map((l) =>
      `<div class="logline ${esc(l.level)}${fresh ? " new" : ""}${
        l.previous ? " previous" : ""
      }" data-id="${l.id}">
    <span class="ts">${clock(l.ts)}</span><span class="lvl">${esc(l.level)}</span>
    <span class="src" title="${esc(l.source)}${l.job_id ? ` · job ${l.job_id}` : ""}">${
        esc(l.source)
      }</span><span class="msg">${
        l.previous
          ? `<span class="prev" title="from job ${l.job_id}, an earlier instance than the one running now">previous · job ${l.job_id}</span> `
          : ""
      }${highlight(l.message)}${fieldsHtml(l.fields)}</span></div>`
    ).join(""),
  );
  shown += lines.length;
  while (tail.children.length > 3000) tail.firstElementChild.remove();
  if (stick || !fresh) tail.scrollTop = tail.scrollHeight;
}

function follow() {
  saveView();
  stream?.close();
  tail.innerHTML = `<div class="empty">Waiting for lines…</div>`;
  shown = 0;
  document.querySelector("#tail-title").textContent = selected || "All sources";
  const qs = new URLSearchParams();
  if (selected) qs.set("source", selected);
  if (level.value) qs.set("level", level.value);
  if (search.value.trim()) qs.set("q", search.value.trim());
  stream = new EventSource(`api/logs/stream?${qs}`);
  let ready = false;
  stream.addEventListener("lines", (e) => {
    if (!paused) append(JSON.parse(e.data), ready);
  });
  stream.addEventListener("ready", () => {
    ready = true;
    if (!shown) {
      tail.innerHTML =
        `<div class="empty">No lines yet for this filter; new ones appear here live.</div>`;
    }
  });
  stream.onopen = () => (state.innerHTML = `<span class="pill ok live">live</span>`);
  stream.onerror = () => (state.innerHTML = `<span class="pill warn live">reconnecting</span>`);
}

let debounce;
search.addEventListener(
  "input",
  () => (clearTimeout(debounce), debounce = setTimeout(follow, 300)),
);
level.addEventListener("change", follow);
document.querySelector("#tail-clear").addEventListener(
  "click",
  () => (tail.innerHTML = "", shown = 0),
);
document.querySelector("#tail-pause").addEventListener("click", (e) => {
  paused = !paused;
  e.target.textContent = paused ? "▶ Resume" : "❚❚ Pause";
  state.innerHTML = paused
    ? `<span class="pill warn">paused</span>`
    : `<span class="pill ok live">live</span>`;
});

// A link to another view of this page changes only the hash: follow it without a reload.
addEventListener("hashchange", () => {
  readView();
  for (const n of treeBox.querySelectorAll(".node")) {
    n.classList.toggle("selected", n.dataset.prefix === selected);
  }
  follow();
});

renderTree(await api("api/logs/tree"));
followTree();
follow();
