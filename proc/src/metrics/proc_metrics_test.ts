/**
 * hero_proc's `/metrics` on a real daemon's admin.sock: services, actions, restarts, job
 * outcomes, log lines per source and the daemon's own process appear with the values its API
 * reports; OpenMetrics when asked; `promtool check metrics` (Prometheus' own linter) accepts it.
 * (Through the router's gate and scraped by a real Prometheus: e2e/prometheus_test.ts.)
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { type DaemonProcess, startDaemonProcess, tempDir, waitFor } from "../test_support.ts";

/** GET over a Unix socket; resolves status, content type and body. */
export function getUnix(
  socketPath: string,
  urlPath: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path: urlPath, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on(
        "end",
        () => resolve({ status: res.statusCode!, type: String(res.headers["content-type"]), body }),
      );
    });
    req.on("error", reject);
  });
}

/** The value of one series in a Prometheus text exposition, or undefined. */
export function seriesValue(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(series + " "));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("hero_proc /metrics", () => {
  let t: ReturnType<typeof tempDir>;
  let d: DaemonProcess;
  let admin: string;

  before(async () => {
    t = tempDir("hero_proc_metrics_");
    d = await startDaemonProcess(t.dir);
    admin = path.join(d.env.PATH_SOCKET, "hero_proc", "admin.sock");
    await d.client.call("service.set", {
      service: {
        name: "talker",
        exec: "echo hello; echo oops >&2; sleep 600",
        restart: { policy: "never" },
      },
    });
    await d.client.call("service.set", {
      service: { name: "crasher", exec: "exit 3", restart: { policy: "never" } },
    });
    await d.client.call("service.start", { name: "talker", wait: true });
    await d.client.call("service.start", { name: "crasher" }).catch(() => {});
    await d.client.call("job.run", { command: "true", wait: true });
    await waitFor("the talker's lines", async () => {
      const tree = await d.client.call<{ lines: number }>("logs.tree", { prefix: "talker" });
      return tree.lines >= 2;
    }, 10_000);
  });
  after(async () => {
    await d.client.call("system.shutdown").catch(() => {});
    await d.exited;
    d.client.close();
    t.cleanup();
  });

  it("reports services, actions, job outcomes and log lines from the API", async () => {
    const res = await getUnix(admin, "/metrics");
    assert.equal(res.status, 200);
    assert.match(res.type, /^text\/plain; version=0\.0\.4/);
    const v = (s: string) => seriesValue(res.body, s);
    assert.equal(v('hero_proc_service_state{service="talker",state="running"}'), 1);
    assert.equal(v('hero_proc_service_up{service="talker"}'), 1);
    assert.equal(v('hero_proc_service_up{service="crasher"}'), 0);
    assert.equal(v('hero_proc_action_state{service="talker",action="main",state="running"}'), 1);
    assert.equal(v('hero_proc_action_restarts_total{service="talker",action="main"}'), 0);
    assert.ok((v('hero_proc_service_memory_bytes{service="talker"}') ?? 0) > 0);
    assert.ok(
      (v('hero_proc_jobs_total{service="crasher",action="main",state="failed"}') ?? 0) >= 1,
    );
    const outcomes = await d.client.call<
      { service: string; action: string; state: string; count: number }[]
    >("job.stats");
    assert.ok(outcomes.some((o) => o.service === "" && o.state === "succeeded"), "ad-hoc job");
    for (const o of outcomes) {
      const series =
        `hero_proc_jobs_total{service="${o.service}",action="${o.action}",state="${o.state}"}`;
      assert.equal(v(series), o.count, series);
    }
    assert.equal(v('hero_proc_log_lines{source="talker.main"}'), 2);
    assert.equal(v('hero_proc_log_lines_dropped_total{source="talker.main"}'), 0);
    assert.equal(v('hero_proc_log_lines_evicted_total{source="talker.main"}'), 0);
    assert.ok((v("hero_proc_log_lines_accepted_total") ?? 0) >= 2);
    assert.ok((v("process_resident_memory_bytes") ?? 0) > 10_000_000);
    assert.doesNotMatch(res.body, /source="job\.\d/, "ad-hoc jobs share one source label");
  });

  it("answers OpenMetrics when asked, and refuses anything but GET", async () => {
    const res = await getUnix(admin, "/metrics", {
      accept: "application/openmetrics-text;version=1.0.0",
    });
    assert.match(res.type, /^application\/openmetrics-text/);
    assert.match(res.body, /^hero_proc_jobs_total\{/m);
    assert.match(res.body, /# EOF\n$/);
    const again = await getUnix(admin, "/metrics");
    assert.match(again.body, /^# TYPE hero_proc_jobs_total counter$/m, "names put back");
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ socketPath: admin, path: "/metrics", method: "POST" }, (r) => {
        r.resume();
        resolve(r.statusCode!);
      });
      req.on("error", reject);
      req.end();
    });
    assert.equal(status, 405);
  });

  it("passes promtool check metrics", async () => {
    const { body } = await getUnix(admin, "/metrics");
    const out = spawnSync("promtool", ["check", "metrics"], { input: body, encoding: "utf8" });
    assert.equal(out.status, 0, out.stdout + out.stderr);
    assert.equal((out.stdout + out.stderr).trim(), "");
  });
});
