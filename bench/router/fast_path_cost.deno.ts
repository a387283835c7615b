/**
 * What the TCP front's JavaScript costs per proxied request, without sockets (so that the load
 * of other processes on the machine does not blur small differences): the steps a 1 KB GET
 * with a bearer token takes through the front, each alone and all together — head parse, the
 * fast path (gate with the router's authenticators, access, socket, assertion), the head sent
 * to the service, the answer's head parse, the metrics call; and all of them with the fast
 * path's answers kept (`kept_routes.ts`, as the router runs it). CPU time of the process (not wall
 * time, which other processes stretch), interleaved rounds, median.
 *
 * Usage: deno run -A bench/router/fast_path_cost.deno.ts [--requests 200000] [--rounds 5]
 */
import process from "node:process";
import { parseArgs } from "node:util";
import type { ConnectionInfo } from "@hero/sdk";
import { ServiceRegistry } from "../../router/src/discovery/service_registry.ts";
import { unprobedEntry } from "../../router/src/discovery/service_entry.ts";
import { findHeadEnd, parseRequestHead, RequestHead } from "../../router/src/front/request_head.ts";
import { parseResponseHead } from "../../router/src/front/response_head.ts";
import type { FastRoute } from "../../router/src/front/tcp_front.ts";
import { keptFastPath, KeptRoutes } from "../../router/src/front/kept_routes.ts";
import { serviceRequestHead } from "../../router/src/front/upstream_head.ts";
import { tokenAuthenticator } from "../../router/src/gate/token_authenticator.ts";
import { RouterMetrics } from "../../router/src/metrics/router_metrics.ts";
import { IpWhitelist } from "../../router/src/net/ip_whitelist.ts";
import { networkCheck } from "../../router/src/net/tcp_guard.ts";
import { UpstreamPool } from "../../router/src/http/upstream_pool.ts";
import {
  isPublicPath,
  proxyFastPath,
  type WebAppOptions,
} from "../../router/src/server/web_app.ts";
import { Sso } from "../../router/src/sso/sso.ts";
import { ReverseProxy } from "../../router/src/proxy/reverse_proxy.ts";
import { CallerSigner } from "@hero/sdk/internal";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    requests: { type: "string", default: "200000" },
    rounds: { type: "string", default: "5" },
  },
});
const n = Number(values.requests);
const rounds = Number(values.rounds);
const enc = new TextEncoder();
const token = "0123456789abcdef0123456789abcdef0123456789abcdef";
const root = await Deno.makeTempDir({ prefix: "hero_fast_path_cost_" });
await Deno.mkdir(`${root}/bench_svc`);
await Deno.writeTextFile(`${root}/bench_svc/admin.sock`, "");

const registry = new ServiceRegistry();
registry.upsert(
  unprobedEntry("bench_svc", `${root}/bench_svc`, [
    { name: "admin", kind: "admin", path: `${root}/bench_svc/admin.sock` },
  ]),
);
const metrics = new RouterMetrics({ registry });
const proxy = new ReverseProxy({ root, registry });
const sso = new Sso({ registry, proxy, cookieSecret: "x".repeat(48) });
const signer = await CallerSigner.create(root);
const options = {
  gate: {
    network: networkCheck(new IpWhitelist(["127.0.0.0/8"]), []),
    authenticators: [sso.authenticator, tokenAuthenticator({ admin: token })],
    tokens: { admin: token },
    isPublic: (method: string, path: string) => isPublicPath(method, path, sso.issuerPath()),
    signIn: sso,
  },
  registry,
  proxy,
  metrics,
  signer: {
    sign: (c, s) => signer.sign(c, s),
    cached: (c, s) => signer.cached(c, s),
  },
} as Partial<WebAppOptions> as WebAppOptions;
const fastPath = proxyFastPath(options);
// The router's own wrapping: synchronous answers kept per head and peer (kept_routes.ts).
const keptPath = keptFastPath(
  fastPath,
  new KeptRoutes(new Int32Array(new SharedArrayBuffer(4))),
  (service, status, started) => metrics.proxied(service, status, started),
);
const info: ConnectionInfo = { transport: "tcp", remoteAddress: "127.0.0.1" };

const request = enc.encode(
  "GET /bench_svc/admin/item.json HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n" +
    `Authorization: Bearer ${token}\r\nUser-Agent: wrk\r\nAccept: */*\r\n\r\n`,
);
const response = enc.encode(
  "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nvary: Accept-Encoding\r\n" +
    "content-length: 1024\r\ndate: Wed, 02 Dec 2026 05:00:00 GMT\r\n\r\n" + "x".repeat(1024),
);
const buf = new Uint8Array(32 * 1024);
buf.set(request);
const out = new Uint8Array(64 * 1024);
const head = parseRequestHead(buf, 0, request.byteLength) as RequestHead;
const first = await fastPath(head, info);
if (!first) throw new Error("the fast path did not take the request");
const route = first as FastRoute;
if (!(route.pool instanceof UpstreamPool)) throw new Error("no pool");

let sink = 0;
const steps: Record<string, () => void> = {
  "find head end + parse request head": () => {
    for (let i = 0; i < n; i++) {
      const end = findHeadEnd(buf, 0, request.byteLength);
      sink += (parseRequestHead(buf, 0, end) as RequestHead).length;
    }
  },
  "fast path (gate, access, assertion)": () => {
    for (let i = 0; i < n; i++) {
      const r = fastPath(head, info) as FastRoute;
      sink += r.rest.length;
    }
  },
  "head to the service": () => {
    for (let i = 0; i < n; i++) sink += serviceRequestHead(buf, head, route, "127.0.0.1", out);
  },
  "parse response head": () => {
    for (let i = 0; i < n; i++) {
      const end = findHeadEnd(response, 0, response.byteLength);
      sink += parseResponseHead(response, end, "GET").status;
    }
  },
  "metrics (answered)": () => {
    for (let i = 0; i < n; i++) route.answered!(200);
  },
  "all of the above": () => all(fastPath),
  "all of the above, answers kept": () => all(keptPath),
};

/** Every step, with a fresh head (and so a fresh head text to look up) per request. */
function all(path: typeof fastPath): void {
  for (let i = 0; i < n; i++) {
    const end = findHeadEnd(buf, 0, request.byteLength);
    const h = parseRequestHead(buf, 0, end) as RequestHead;
    const r = path(h, info) as FastRoute;
    sink += serviceRequestHead(buf, h, r, "127.0.0.1", out);
    const e = findHeadEnd(response, 0, response.byteLength);
    sink += parseResponseHead(response, e, "GET").status;
    r.answered!(200);
  }
}
const times = new Map<string, number[]>();
for (let r = 0; r < rounds; r++) {
  for (const [name, run] of Object.entries(steps)) {
    const t0 = process.cpuUsage();
    run();
    const t = process.cpuUsage(t0);
    times.set(name, [...(times.get(name) ?? []), ((t.user + t.system) * 1e3) / n]);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `JS per proxied request, ${n} requests x ${rounds} rounds (median), sink ${sink % 10}:`,
);
for (const [k, v] of times) console.log(`  ${k.padEnd(38)} ${Math.round(median(v))} ns`);
await signer.retire();
sso.close();
proxy.close();
await Deno.remove(root, { recursive: true });
