/**
 * The "naive Deno proxy" reference row of the proxy bench: `Deno.serve` on TCP forwarding
 * `/bench_svc/admin/<rest>` with `fetch` through a `Deno.HttpClient` bound to the backend's Unix
 * socket, response streamed back as is. What a few lines of Deno give without a hand-written
 * client; no authorization, header rules or WebSocket relay. Prints "ready".
 *
 * Usage: deno run -A bench/router/naive_proxy.deno.ts SOCKET PORT PREFIX
 */
const [socket, portText, prefix] = Deno.args;
const client = Deno.createHttpClient({ proxy: { transport: "unix", path: socket } });

Deno.serve({
  hostname: "127.0.0.1",
  port: Number(portText),
  onListen: () => console.log("ready"),
}, async (req) => {
  const url = new URL(req.url);
  if (!url.pathname.startsWith(prefix + "/")) return new Response("not found", { status: 404 });
  const res = await fetch(`http://localhost${url.pathname.slice(prefix.length)}${url.search}`, {
    method: req.method,
    headers: req.headers,
    body: req.body,
    client,
  });
  return new Response(res.body, { status: res.status, headers: res.headers });
});
