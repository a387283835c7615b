// The sidebar's live service list, shared by every dashboard page.
// The shared helpers (ui/theme/hero_ui.js), loaded before this module as globalThis.hero.
const { esc, tone } = globalThis.hero;

/** Fills the sidebar with `list` (services from the registry). */
export function fillServiceNav(list) {
  const nav = document.querySelector("#nav-services");
  if (!nav) return;
  const current = decodeURIComponent(location.pathname.split("/service/")[1] ?? "");
  nav.innerHTML =
    list.map((s) =>
      `<a href="/service/${encodeURIComponent(s.name)}" class="${
        s.name === current ? "active" : ""
      }">` +
      `<span class="dot" style="background:var(--${tone(s.health) || "idle"})"></span>${
        esc(s.name)
      }` +
      `<span class="count">${s.methodCount || ""}</span></a>`
    ).join("") || `<span class="muted small" style="padding:4px 10px">none yet</span>`;
}

/** Keeps the sidebar live on pages that do not otherwise follow the event stream. */
export function fillServiceNavLive(onEvent) {
  const services = new Map();
  const events = new EventSource("/api/events");
  const render = () =>
    fillServiceNav([...services.values()].sort((a, b) => a.name.localeCompare(b.name)));
  events.addEventListener("snapshot", (e) => {
    services.clear();
    for (const s of JSON.parse(e.data).services) services.set(s.name, s);
    render();
    onEvent?.("snapshot", null);
  });
  for (const type of ["service.added", "service.changed", "service.removed"]) {
    events.addEventListener(type, (e) => {
      const data = JSON.parse(e.data);
      if (type === "service.removed") services.delete(data.service.name);
      else services.set(data.service.name, data.service);
      render();
      onEvent?.(type, data);
    });
  }
  return events;
}
