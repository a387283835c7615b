/**
 * Test support: a forward HTTP proxy on loopback that adds `Authorization: Bearer <token>` to
 * every request it passes on. WebDAV clients such as litmus and cadaver speak only Basic and
 * Digest auth; through this proxy they reach hero_router with a credential its gate accepts.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

/** A running proxy: `host:port` for the clients' proxy option. */
export interface BearerProxy {
  hostPort: string;
  close(): Promise<void>;
}

/** Starts the proxy. */
export async function startBearerProxy(token: string): Promise<BearerProxy> {
  const server = http.createServer((req, res) => {
    let target: URL;
    try {
      target = new URL(req.url ?? "");
    } catch {
      return void res.writeHead(400).end("a forward proxy takes absolute URLs\n");
    }
    const headers: http.OutgoingHttpHeaders = { ...req.headers, authorization: `Bearer ${token}` };
    delete headers["proxy-connection"];
    const up = http.request({
      host: target.hostname,
      port: target.port,
      path: target.pathname + target.search,
      method: req.method,
      headers,
    }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on("error", (err) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(`upstream failed: ${err.message}\n`);
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    hostPort: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
