/**
 * A real Prometheus (Debian's `prometheus`) scrapes the real system through hero_router's TCP
 * gate with the read-only token, as a user would configure it: the router's `/metrics` and
 * hero_proc's at `/hero_proc/admin/metrics` (its admin socket, reached only through the gate).
 * Both targets come up, every family of metrics the issue names is queryable, and a scrape
 * job without the token is refused (target down, 401).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { type RunningSystem, startSystem, systemIn } from "../scripts/start_system.ts";
import { callTool } from "./fixtures/mcp_call.ts";

describe("Prometheus scrapes hero_router and hero_proc through the gate", () => {
  let dir: string;
  let system: RunningSystem;
  let prometheus: ReturnType<typeof spawn>;
  let api: string;
  let log = "";

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "hero-prometheus-e2e-"));
    system = await startSystem(systemIn(dir));
    const target = new URL(system.origin).host;
    const tokenFile = path.join(dir, "read_token");
    await fs.writeFile(tokenFile, system.readToken, { mode: 0o600 });
    const job = (name: string, metricsPath: string, auth: boolean) =>
      `  - job_name: ${name}\n    metrics_path: ${metricsPath}\n` +
      (auth ? `    authorization:\n      credentials_file: ${tokenFile}\n` : "") +
      `    static_configs:\n      - targets: ["${target}"]\n`;
    await fs.writeFile(
      path.join(dir, "prometheus.yml"),
      "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n" +
        job("hero_router", "/metrics", true) +
        job("hero_proc", "/hero_proc/admin/metrics", true) +
        job("no_token", "/metrics", false),
    );
    const port = await freePort();
    api = `http://127.0.0.1:${port}/api/v1`;
    prometheus = spawn("prometheus", [
      `--config.file=${path.join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${path.join(dir, "tsdb")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ], { stdio: ["ignore", "pipe", "pipe"] });
    prometheus.stderr!.on("data", (c) => (log = (log + c).slice(-20_000)));
    prometheus.stdout!.resume();
    // Some traffic for the request and call metrics.
    const auth = { authorization: `Bearer ${system.token}` };
    const res = await fetch(`${system.origin}/hero_proc/admin/`, { headers: auth });
    assert.equal(res.status, 200);
    await res.text();
  });

  after(async () => {
    prometheus?.kill("SIGTERM");
    await new Promise((r) => prometheus?.exitCode !== null ? r(null) : prometheus.once("exit", r));
    await system?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const query = async (q: string) => {
    const res = await fetch(`${api}/query?query=${encodeURIComponent(q)}`);
    const body = await res.json() as {
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    return body.data.result;
  };

  it("both targets are up with the read-only token; without it the target is down (401)", async () => {
    const deadline = Date.now() + 60_000;
    let targets: { labels: { job: string }; health: string; lastError: string }[] = [];
    for (;;) {
      try {
        const res = await fetch(`${api}/targets`);
        targets = (await res.json()).data.activeTargets;
        const health = Object.fromEntries(targets.map((t) => [t.labels.job, t.health]));
        if (
          health.hero_router === "up" && health.hero_proc === "up" && health.no_token === "down"
        ) break;
      } catch { /* Prometheus is still starting */ }
      if (Date.now() > deadline) {
        assert.fail(`targets not as expected: ${JSON.stringify(targets)}\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const refused = targets.find((t) => t.labels.job === "no_token")!;
    assert.match(refused.lastError, /401/);
    for (const [token, status] of [[undefined, 401], [system.readToken, 200]] as const) {
      const res = await fetch(`${system.origin}/hero_proc/admin/metrics`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      assert.equal(res.status, status, "hero_proc's metrics through the gate");
      await res.body?.cancel();
    }
  });

  it("every family of metrics is queryable", async () => {
    const wanted = [
      'hero_router_proxy_requests_total{service="hero_proc",code="200"}',
      'hero_router_proxy_request_duration_seconds_bucket{service="hero_proc"}',
      "hero_router_discovery_probes_total",
      'hero_router_services{health="healthy"}',
      'hero_router_service_up{service="notes"}',
      "hero_router_mcp_tool_calls_total",
      'hero_proc_service_state{service="hero_router",state="running"}',
      'hero_proc_action_health{service="hero_router"}',
      'hero_proc_action_restarts_total{service="notes"}',
      'hero_proc_service_cpu_usage_ratio{service="hero_router"}',
      'hero_proc_service_memory_bytes{service="hero_router"}',
      'hero_proc_log_lines{source="heartbeat.beat"}',
      'hero_proc_log_lines_dropped_total{source="heartbeat.beat"}',
      "hero_proc_log_lines_accepted_total",
      "process_resident_memory_bytes",
    ];
    // hero_router_mcp_tool_calls_total appears with the first call; make one.
    const call = await callTool(system.origin, system.token, "hero_proc_system_info");
    assert.equal(call.status, 200, call.text);
    assert.match(call.text, /instance_id/);
    const deadline = Date.now() + 30_000;
    for (const q of wanted) {
      for (;;) {
        const result = await query(q);
        if (result.length > 0) break;
        if (Date.now() > deadline) assert.fail(`Prometheus has no ${q}\n${log.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    const memory = await query('hero_proc_service_memory_bytes{service="hero_router"}');
    assert.ok(Number(memory[0].value[1]) > 10_000_000, "the router uses some memory");
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
