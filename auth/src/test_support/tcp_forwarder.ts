/**
 * Test support: a loopback TCP listener that forwards `/<service>/<socket>/<rest>` to
 * `<root>/<service>/<socket>.sock` at `/<rest>` with the `X-Forwarded-*` headers hero_router
 * sets — the proxy part of the router, so hero_auth's own tests need no Deno process.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

/** A running forwarder. */
export interface Forwarder {
  /** `http://localhost:<port>`. */
  origin: string;
  port: number;
  close(): Promise<void>;
}

/** Starts a forwarder for the sockets under `root`. */
export async function startForwarder(root: string): Promise<Forwarder> {
  const server = http.createServer((req, res) => {
    const m = /^\/([a-z0-9_]+)\/([a-z0-9_]+)(\/.*)?$/.exec((req.url ?? "/").split("?")[0]);
    if (!m) {
      res.writeHead(404).end("no such service");
      return;
    }
    const query = req.url!.includes("?") ? req.url!.slice(req.url!.indexOf("?")) : "";
    const socket = m[2];
    const headers = { ...req.headers };
    headers["x-forwarded-for"] = req.socket.remoteAddress ?? "127.0.0.1";
    headers["x-forwarded-host"] = req.headers.host ?? "";
    headers["x-forwarded-proto"] = "http";
    headers["x-forwarded-prefix"] = `/${m[1]}/${m[2]}`;
    const upstream = http.request({
      socketPath: `${root}/${m[1]}/${socket}.sock`,
      path: (m[3] ?? "/") + query,
      method: req.method,
      headers,
    }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on("error", (err) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(`upstream failed: ${err.message}`);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://localhost:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
