// Browser helpers shared by hero_router's dashboard and hero_proc's admin: theme toggle,
// escaping, formatting, status pills, JSON highlighting, CSRF-safe fetch, toasts and tabs.

/** Escapes text for HTML. */
export function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Which pill colour a state or health word gets. */
export function tone(word) {
  const w = String(word ?? "").toLowerCase();
  if (["healthy", "ok", "running", "succeeded", "up", "ready"].includes(w)) return "ok";
  if (
    ["unhealthy", "unreachable", "failed", "down", "timed_out", "fatal", "error", "crashed"]
      .includes(w)
  ) {
    return "bad";
  }
  if (
    [
      "starting",
      "restarting",
      "stopping",
      "backoff",
      "degraded",
      "waiting_deps",
      "pending",
      "exiting",
    ]
      .includes(w)
  ) return "warn";
  if (["non_rpc", "ui", "info"].includes(w)) return "info";
  return "";
}

/** A status pill for a state or health word. */
export function pill(word, extra = "") {
  const t = tone(word);
  return `<span class="pill ${t} ${t === "ok" || t === "warn" ? "live" : ""} ${extra}">${
    esc(String(word ?? "unknown").replace(/_/g, " "))
  }</span>`;
}

/** `3h 12m`, `42s`: a duration in milliseconds for humans. */
export function duration(ms) {
  if (!ms || ms < 0) return "—";
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** `12.4 MiB`: a byte count for humans. */
export function bytes(n) {
  if (!n) return "—";
  const units = ["B", "KiB", "MiB", "GiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) (n /= 1024, i++);
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

/** `14:03:22.120`: a timestamp (ms or ISO) as local time of day. */
export function clock(ts) {
  const d = new Date(ts);
  if (isNaN(d.getTime())) return "";
  return d.toLocaleTimeString([], { hour12: false }) + "." +
    String(d.getMilliseconds()).padStart(3, "0");
}

/** `5s ago`: how long ago an ISO time or ms timestamp was. */
export function ago(ts) {
  if (!ts) return "never";
  const ms = Date.now() - new Date(ts).getTime();
  return ms < 1500 ? "just now" : `${duration(ms)} ago`;
}

/** JSON as highlighted HTML. */
export function jsonHtml(value) {
  const text = JSON.stringify(value, null, 2) ?? "undefined";
  return esc(text).replace(
    /(&#34;(?:[^&]|&(?!#34;))*?&#34;)(\s*:)?|\b(true|false)\b|\bnull\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g,
    (m, str, colon, bool) => {
      if (str) {
        return colon
          ? `<span class="j-key">${str}</span>${colon}`
          : `<span class="j-str">${str}</span>`;
      }
      if (bool) return `<span class="j-bool">${m}</span>`;
      if (m === "null") return `<span class="j-null">${m}</span>`;
      return `<span class="j-num">${m}</span>`;
    },
  );
}

/** fetch() that sends the CSRF header, parses JSON and throws with the server's message. */
export async function api(url, options = {}) {
  const init = { ...options, headers: { "x-hero-csrf": "1", ...(options.headers ?? {}) } };
  if (options.json !== undefined) {
    init.method = init.method ?? "POST";
    init.body = JSON.stringify(options.json);
    init.headers["content-type"] = "application/json";
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let body;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { error: text };
  }
  if (!res.ok) throw new Error(body?.error ?? `${res.status} ${res.statusText}`);
  return body;
}

/** Shows a short message in the bottom-right corner. */
export function toast(message, kind = "") {
  let box = document.querySelector(".toasts");
  if (!box) {
    box = document.createElement("div");
    box.className = "toasts";
    document.body.append(box);
  }
  const el = document.createElement("div");
  el.className = `toast ${kind}`;
  el.textContent = message;
  box.append(el);
  setTimeout(() => el.remove(), 4500);
}

/** Wires `.tabs button[data-tab]` to `.tab-panel#<id>`, remembering the tab in the hash. */
export function initTabs(root = document) {
  const buttons = [...root.querySelectorAll(".tabs button[data-tab]")];
  const show = (id) => {
    for (const b of buttons) b.classList.toggle("active", b.dataset.tab === id);
    for (const p of root.querySelectorAll(".tab-panel")) p.classList.toggle("active", p.id === id);
  };
  for (const b of buttons) {
    b.addEventListener("click", () => {
      show(b.dataset.tab);
      history.replaceState(null, "", `#${b.dataset.tab}`);
    });
  }
  const wanted = location.hash.slice(1);
  show(buttons.some((b) => b.dataset.tab === wanted) ? wanted : buttons[0]?.dataset.tab);
}

/** Copy buttons: `<button data-copy="#id">` copies the text of the element #id. */
export function initCopyButtons(root = document) {
  for (const b of root.querySelectorAll("[data-copy]")) {
    b.addEventListener("click", async () => {
      const text = document.querySelector(b.dataset.copy)?.textContent ?? "";
      try {
        await navigator.clipboard.writeText(text);
      } catch {
        const range = document.createRange();
        range.selectNodeContents(document.querySelector(b.dataset.copy));
        getSelection().removeAllRanges();
        getSelection().addRange(range);
        document.execCommand("copy");
      }
      toast("Copied to the clipboard", "ok");
    });
  }
}

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  const btn = document.querySelector("#theme-toggle");
  if (btn) btn.textContent = theme === "light" ? "☾" : "☀";
}

/** Dark/light toggle, remembered per browser. */
export function initTheme() {
  applyTheme(localStorage.getItem("hero-theme") ?? "dark");
  document.querySelector("#theme-toggle")?.addEventListener("click", () => {
    const next = document.documentElement.dataset.theme === "light" ? "dark" : "light";
    localStorage.setItem("hero-theme", next);
    applyTheme(next);
  });
}

initTheme();

// Also as a global, for page modules that are loaded as plain files (no import map, no build).
globalThis.hero = {
  esc,
  tone,
  pill,
  duration,
  bytes,
  clock,
  ago,
  jsonHtml,
  api,
  toast,
  initTabs,
  initCopyButtons,
  initTheme,
};
