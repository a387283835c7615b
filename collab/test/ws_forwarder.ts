/**
 * Test support: a loopback HTTP listener that forwards `/<service>/<socket>/<rest>` to
 * `<root>/<service>/<socket>.sock`, WebSocket upgrades included, with the `X-Forwarded-*`
 * headers hero_router sets and, for a given caller, the signed `X-Hero-Caller` assertion the
 * router adds once its gate has admitted someone (signed with a key published under the root,
 * as the router does) — the proxy part of the router for tests that run no Deno process.
 */
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { type Caller } from "@hero/sdk";
import { CallerSigner } from "@hero/sdk/internal";

/** The caller hero_router asserts for its admin token. */
export const ADMIN_TOKEN_CALLER: Caller = Object.freeze({
  subject: "token:admin",
  name: "admin token",
  via: "bearer" as const,
  scopes: Object.freeze(["hero:admin"]),
});

const signers = new Map<string, Promise<CallerSigner>>();

/** A running forwarder. */
export interface WsForwarder {
  origin: string;
  close(): Promise<void>;
}

function target(url: string): { sock: string; rest: string; prefix: string } | undefined {
  const m = /^\/([a-z0-9_]+)\/([a-z0-9_]+)(\/[^?]*)?(\?.*)?$/.exec(url);
  return m
    ? {
      sock: `${m[1]}/${m[2]}.sock`,
      rest: (m[3] ?? "/") + (m[4] ?? ""),
      prefix: `/${m[1]}/${m[2]}`,
    }
    : undefined;
}

/**
 * Starts a forwarder for the sockets under `root`; with `caller`, every request carries that
 * caller's assertion (standing in for a router that has already signed the caller in), without
 * one nobody is vouched for.
 */
export async function startWsForwarder(
  root: string,
  opts: { caller?: Caller } = {},
): Promise<WsForwarder> {
  if (!signers.has(root)) signers.set(root, CallerSigner.create(root));
  const signer = await signers.get(root)!;
  const forwarded = async (req: http.IncomingMessage, t: { prefix: string; sock: string }) => {
    const headers: Record<string, string | string[] | undefined> = {
      ...req.headers,
      "x-forwarded-for": req.socket.remoteAddress ?? "127.0.0.1",
      "x-forwarded-host": req.headers.host ?? "",
      "x-forwarded-proto": "http",
      "x-forwarded-prefix": t.prefix,
    };
    delete headers["x-hero-caller"];
    if (opts.caller) {
      headers["x-hero-caller"] = await signer.sign(opts.caller, t.sock.split("/")[0]);
    }
    return headers;
  };
  const server = http.createServer(async (req, res) => {
    const t = target(req.url ?? "/");
    if (!t) return void res.writeHead(404).end("no such service");
    const up = http.request({
      socketPath: `${root}/${t.sock}`,
      path: t.rest,
      method: req.method,
      headers: await forwarded(req, t),
    }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on("error", (err) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(`upstream failed: ${err.message}`);
    });
    req.pipe(up);
  });
  server.on("upgrade", (req, socket, head) => {
    const t = target(req.url ?? "/");
    if (!t) return socket.destroy();
    const up = net.connect(`${root}/${t.sock}`, async () => {
      const headers = await forwarded(req, t);
      const lines = [`GET ${t.rest} HTTP/1.1`];
      for (const [k, v] of Object.entries(headers)) {
        for (const one of Array.isArray(v) ? v : [v]) {
          if (one !== undefined) lines.push(`${k}: ${one}`);
        }
      }
      up.write(lines.join("\r\n") + "\r\n\r\n");
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on("error", () => socket.destroy());
    socket.on("error", () => up.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://localhost:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
