/**
 * A minimal dashboard page: the service list, live through `/api/events`. The full dashboard
 * is its own piece of work; this page keeps admin.sock useful in a browser meanwhile.
 */

/** The HTML of `/`. */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hero_router</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:14px system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}
td,th{padding:.3rem .8rem;border-bottom:1px solid #ddd;text-align:left}
.healthy{color:#080}.unhealthy{color:#b00}.non_rpc{color:#666}.unknown{color:#a60}</style>
</head><body><h1>hero_router</h1><table><thead><tr><th>Service</th><th>Health</th>
<th>Version</th><th>Methods</th><th>Sockets</th></tr></thead><tbody id="rows"></tbody></table>
<script>
const services = new Map();
function esc(s) { return String(s).replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";"); }
function render() {
  document.getElementById("rows").innerHTML = [...services.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((s) => "<tr><td title='" + esc(s.description) + "'>" + esc(s.title) + " <small>" +
      esc(s.name) + "</small></td><td class='" + esc(s.health) + "'>" + esc(s.health) +
      "</td><td>" + esc(s.version) + "</td><td>" + esc(s.methodCount) + "</td><td>" +
      s.sockets.map((k) => k.kind === "rpc" ? esc(k.name) : "<a href='/" + esc(s.name) + "/" +
        esc(k.name) + "/'>" + esc(k.name) + "</a>").join(" ") + "</td></tr>").join("");
}
const events = new EventSource("/api/events");
events.addEventListener("snapshot", (e) => {
  services.clear();
  for (const s of JSON.parse(e.data).services) services.set(s.name, s);
  render();
});
for (const type of ["service.added", "service.changed"]) {
  events.addEventListener(type, (e) => { const s = JSON.parse(e.data).service; services.set(s.name, s); render(); });
}
events.addEventListener("service.removed", (e) => { services.delete(JSON.parse(e.data).service.name); render(); });
</script></body></html>
`;
