/**
 * Proxy throughput benchmark: hero_router, nginx and Caddy proxy the same service socket in the
 * same run; wrk (64 connections, 1 KB JSON responses) measures requests/s, p50 and p99 through
 * each one's TCP listener. Needs nginx, caddy and wrk on PATH (see setup.sh).
 *
 * The proxies are measured in interleaved rounds (router, nginx, caddy, router, ...) and the
 * median of each is reported, so that load from elsewhere on the machine hits all of them alike.
 *
 * Usage: deno run -A bench/router/proxy_bench.deno.ts [--duration 10] [--rounds 3] [--json]
 *        [--baseline OTHER_CHECKOUT]   also measures that checkout's router (before/after rows)
 */
import { parseArgs } from "node:util";
import { freePort, startProcess } from "./bench_process.deno.ts";
import { waitHttp, wrk, type WrkResult } from "./bench_http.deno.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    duration: { type: "string", default: "10" },
    rounds: { type: "string", default: "3" },
    json: { type: "boolean" },
    baseline: { type: "string" },
  },
});
const duration = Number(values.duration);
const rounds = Number(values.rounds);
const repo = new URL("../../", import.meta.url).pathname;
const deno = Deno.execPath();
const root = await Deno.makeTempDir({ prefix: "hero_router_bench_" });
const socket = `${root}/bench_svc/admin.sock`;
const path = "/bench_svc/admin/item.json";

const procs: { stop(): Promise<void> }[] = [];
const results: WrkResult[] = [];
try {
  const backend = startProcess(deno, [
    "run",
    "-A",
    `${repo}bench/router/bench_backend.deno.ts`,
    root,
    "1",
    "bench_svc",
  ]);
  procs.push(backend);
  await backend.waitFor(/ready/);

  const routerPort = freePort();
  const router = startProcess(deno, [
    "run",
    "-A",
    `${repo}router/main.ts`,
    "serve",
    "--socket-dir",
    root,
    "--bind",
    `127.0.0.1:${routerPort}`,
    "--log-level",
    "warn",
  ]);
  procs.push(router);
  await router.waitFor(/listening|ready/).catch(() => {});
  // Every TCP request passes the router's authorization gate: the bench presents the token.
  const token = (await Deno.readTextFile(`${root}/admin_token`)).trim();
  const auth = `Authorization: Bearer ${token}`;
  await waitHttp(`http://127.0.0.1:${routerPort}${path}`, router, {
    authorization: `Bearer ${token}`,
  });

  const targets: [string, number, string[]][] = [
    ["hero_router", routerPort, [auth]],
  ];
  if (values.baseline) {
    // Another checkout's router with its own copy of the backend, for before/after rows.
    const baseRoot = `${root}/baseline`;
    await Deno.mkdir(baseRoot);
    const baseBackend = startProcess(deno, [
      "run",
      "-A",
      `${repo}bench/router/bench_backend.deno.ts`,
      baseRoot,
      "1",
      "bench_svc",
    ]);
    procs.push(baseBackend);
    await baseBackend.waitFor(/ready/);
    const basePort = freePort();
    const base = startProcess(deno, [
      "run",
      "-A",
      `${values.baseline.replace(/\/$/, "")}/router/main.ts`,
      "serve",
      "--socket-dir",
      baseRoot,
      "--bind",
      `127.0.0.1:${basePort}`,
      "--log-level",
      "warn",
    ]);
    procs.push(base);
    await base.waitFor(/listening|ready/).catch(() => {});
    const baseToken = await Deno.readTextFile(`${baseRoot}/admin_token`).catch(() => "");
    const baseAuth = baseToken ? [`Authorization: Bearer ${baseToken.trim()}`] : [];
    await waitHttp(`http://127.0.0.1:${basePort}${path}`, base, {
      ...(baseToken ? { authorization: `Bearer ${baseToken.trim()}` } : {}),
    });
    targets.push(["baseline", basePort, baseAuth]);
  }

  const nginxPort = freePort();
  const nginxDir = `${root}/nginx`;
  await Deno.mkdir(`${nginxDir}/logs`, { recursive: true });
  await Deno.writeTextFile(
    `${nginxDir}/nginx.conf`,
    `
${Deno.uid() === 0 ? "user root;" : ""}
worker_processes auto;
error_log ${nginxDir}/logs/error.log warn;
pid ${nginxDir}/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${nginxDir}/body; proxy_temp_path ${nginxDir}/proxy;
  fastcgi_temp_path ${nginxDir}/fcgi; uwsgi_temp_path ${nginxDir}/uwsgi; scgi_temp_path ${nginxDir}/scgi;
  upstream svc { server unix:${socket}; keepalive 64; }
  server {
    listen 127.0.0.1:${nginxPort};
    location /bench_svc/admin/ {
      proxy_pass http://svc/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Prefix /bench_svc/admin;
    }
  }
}
`,
  );
  const nginx = startProcess("nginx", [
    "-p",
    nginxDir,
    "-c",
    `${nginxDir}/nginx.conf`,
    "-g",
    "daemon off;",
  ]);
  procs.push(nginx);
  await waitHttp(`http://127.0.0.1:${nginxPort}${path}`, nginx);

  const caddyPort = freePort();
  await Deno.writeTextFile(
    `${root}/Caddyfile`,
    `{
  admin off
  auto_https off
}
http://127.0.0.1:${caddyPort} {
  handle_path /bench_svc/admin/* {
    reverse_proxy unix/${socket}
  }
}
`,
  );
  const caddy = startProcess("caddy", [
    "run",
    "--config",
    `${root}/Caddyfile`,
    "--adapter",
    "caddyfile",
  ], {
    HOME: root,
    XDG_DATA_HOME: `${root}/caddy_data`,
    XDG_CONFIG_HOME: `${root}/caddy_config`,
  });
  procs.push(caddy);
  await waitHttp(`http://127.0.0.1:${caddyPort}${path}`, caddy);

  targets.push(["nginx", nginxPort, []], ["caddy", caddyPort, []]);
  const runs = new Map<string, WrkResult[]>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, port, headers] of targets) {
      const r = await wrk(name, `http://127.0.0.1:${port}${path}`, { headers, duration });
      runs.set(name, [...(runs.get(name) ?? []), r]);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const [name] of targets) {
    const rs = runs.get(name)!;
    results.push({
      name,
      requestsPerSec: median(rs.map((r) => r.requestsPerSec)),
      p50Ms: median(rs.map((r) => r.p50Ms)),
      p99Ms: median(rs.map((r) => r.p99Ms)),
      errors: rs.reduce((n, r) => n + r.errors, 0),
    });
  }
} finally {
  for (const p of procs.reverse()) await p.stop();
  await Deno.remove(root, { recursive: true }).catch(() => {});
}

if (values.json) console.log(JSON.stringify(results, null, 2));
else {
  console.log(
    `proxy throughput: wrk -t2 -c64 -d${duration}s, 1 KB JSON, same backend socket, ` +
      `median of ${rounds} interleaved rounds`,
  );
  console.log("proxy        req/s      p50 ms   p99 ms   errors");
  for (const r of results) {
    console.log(
      `${r.name.padEnd(12)} ${r.requestsPerSec.toFixed(0).padStart(8)} ${
        r.p50Ms.toFixed(2).padStart(9)
      } ${r.p99Ms.toFixed(2).padStart(8)} ${String(r.errors).padStart(8)}`,
    );
  }
}
