/**
 * hero_proc's Prometheus exporter. Every scrape reads hero_proc's own API in-process —
 * `service.list` (state, health, restarts, CPU, memory per service and action), `job.stats`
 * (job outcomes), `logs.stats` and `logs.tree` (lines accepted, refused, stored, evicted, per
 * source) and `system.info` — so the supervisor's and the log store's internals can change
 * without touching this file. Values are set on prom-client metrics and rendered as Prometheus
 * text or, when asked, OpenMetrics. Loaded lazily by `metrics_route.ts`.
 */
import process from "node:process";
import type { RpcApi } from "@hero/sdk";
import { Counter, Gauge, Registry } from "prom-client";
import { metricsResponse } from "../../../ui/metrics/exposition.ts";

interface ActionStatus {
  name: string;
  state: string;
  health: string;
  restarts: number;
  uptime_ms: number;
  cpu_percent: number;
  memory_bytes: number;
}
interface ServiceStatus extends Omit<ActionStatus, "name"> {
  name: string;
  actions: ActionStatus[];
}
interface TreeNode {
  path: string;
  name: string;
  lines: number;
  dropped: number;
  evicted?: number;
  children: TreeNode[];
}

/** Builds the exporter: a function from the scraper's `Accept` to the `/metrics` response. */
export function procMetricsExporter(api: RpcApi): (accept: string | null) => Promise<Response> {
  const registry = new Registry();
  const registers = [registry];
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers });
  const counter = (name: string, help: string, labelNames: string[] = []) =>
    new Counter({ name, help, labelNames, registers });
  const m = {
    info: gauge("hero_proc_info", "hero_proc's version and instance (value 1)", [
      "version",
      "instance",
    ]),
    serviceState: gauge(
      "hero_proc_service_state",
      "A service's observed state (one series per service, value 1, the state as a label)",
      ["service", "state"],
    ),
    serviceUp: gauge("hero_proc_service_up", "1 while the service is running, else 0", [
      "service",
    ]),
    actionState: gauge(
      "hero_proc_action_state",
      "An action's state (one series per action, value 1, the state as a label)",
      ["service", "action", "state"],
    ),
    actionHealth: gauge(
      "hero_proc_action_health",
      "An action's health check result (value 1; healthy, unhealthy or unknown as a label)",
      ["service", "action", "health"],
    ),
    restarts: counter(
      "hero_proc_action_restarts_total",
      "Restarts of an action since hero_proc started",
      ["service", "action"],
    ),
    uptime: gauge("hero_proc_action_uptime_seconds", "Time the action's process has run", [
      "service",
      "action",
    ]),
    cpu: gauge(
      "hero_proc_service_cpu_usage_ratio",
      "CPU used by the service's processes (1 = one core), measured at scrape time",
      ["service"],
    ),
    memory: gauge("hero_proc_service_memory_bytes", "Memory of the service's processes", [
      "service",
    ]),
    jobs: counter(
      "hero_proc_jobs_total",
      "Jobs that ended, by final state (service and action empty for ad-hoc jobs)",
      ["service", "action", "state"],
    ),
    accepted: counter(
      "hero_proc_log_lines_accepted_total",
      "Log lines accepted by the log store since hero_proc started",
    ),
    refused: counter(
      "hero_proc_log_lines_refused_total",
      "Log lines refused by the log store, by reason",
      ["reason"],
    ),
    stored: gauge("hero_proc_log_lines", "Log lines stored, per source (two levels deep)", [
      "source",
    ]),
    dropped: counter(
      "hero_proc_log_lines_dropped_total",
      "Log lines dropped by flood control, per source (two levels deep)",
      ["source"],
    ),
    evicted: counter(
      "hero_proc_log_lines_evicted_total",
      "Log lines deleted by the size cap, per source (two levels deep)",
      ["source"],
    ),
    storeBytes: gauge("hero_proc_log_store_bytes", "Size of the log store", ["kind"]),
    rss: gauge("process_resident_memory_bytes", "Resident memory size in bytes."),
    heap: gauge("process_heap_bytes", "Process heap size in bytes."),
    cpuSeconds: counter("process_cpu_seconds_total", "Total user and system CPU time in seconds."),
    started: gauge("process_start_time_seconds", "Start time of the process since unix epoch."),
  };
  const call = <T>(method: string, params: Record<string, unknown> = {}) =>
    api.call(method, params, { method, signal: AbortSignal.timeout(10_000) }) as Promise<T>;

  const collect = async () => {
    const [services, outcomes, stats, tree, info] = await Promise.all([
      call<ServiceStatus[]>("service.list"),
      call<{ service: string; action: string; state: string; count: number }[]>("job.stats"),
      call<Record<string, unknown>>("logs.stats").catch(() => undefined),
      call<TreeNode>("logs.tree", { depth: 2 }).catch(() => undefined),
      call<Record<string, unknown>>("system.info"),
    ]);
    registry.resetMetrics();
    m.info.labels(String(info.version), String(info.instance_id)).set(1);
    for (const s of services) {
      m.serviceState.labels(s.name, s.state).set(1);
      m.serviceUp.labels(s.name).set(s.state === "running" ? 1 : 0);
      m.cpu.labels(s.name).set(s.cpu_percent / 100);
      m.memory.labels(s.name).set(s.memory_bytes);
      for (const a of s.actions) {
        m.actionState.labels(s.name, a.name, a.state).set(1);
        m.actionHealth.labels(s.name, a.name, a.health).set(1);
        m.restarts.labels(s.name, a.name).inc(a.restarts);
        m.uptime.labels(s.name, a.name).set(a.uptime_ms / 1000);
      }
    }
    for (const outcome of outcomes) {
      m.jobs.labels(outcome.service, outcome.action, outcome.state).inc(outcome.count);
    }
    if (stats) {
      m.accepted.inc(Number(stats.written_since_start ?? 0));
      const dropped = (stats.dropped ?? {}) as Record<string, number>;
      for (const [reason, n] of Object.entries(dropped)) {
        if (reason !== "total") m.refused.labels(reason).inc(n);
      }
      m.storeBytes.labels("used").set(Number(stats.used_bytes ?? 0));
      m.storeBytes.labels("file").set(Number(stats.file_bytes ?? 0));
    }
    for (const node of tree ? sourceNodes(tree) : []) {
      m.stored.labels(node.path).set(node.lines);
      m.dropped.labels(node.path).inc(node.dropped);
      if (node.evicted !== undefined) m.evicted.labels(node.path).inc(node.evicted);
    }
    const memory = info.memory as { rss_bytes: number; heap_used_bytes: number } | undefined;
    m.rss.set(memory?.rss_bytes ?? process.memoryUsage.rss());
    m.heap.set(memory?.heap_used_bytes ?? process.memoryUsage().heapUsed);
    const cpu = process.cpuUsage();
    m.cpuSeconds.inc((cpu.user + cpu.system) / 1e6);
    m.started.set(Math.round((Date.now() - Number(info.uptime_s) * 1000) / 1000));
  };

  return (accept) => metricsResponse(registry, accept, collect);
}

/**
 * The sources to report: the tree two levels deep (`<service>.<action>`), with ad-hoc jobs
 * (`job.<id>.…`) kept as one `job` source so that each job does not become a series.
 */
function sourceNodes(root: TreeNode): TreeNode[] {
  const out: TreeNode[] = [];
  for (const top of root.children) {
    if (top.name === "job" || top.children.length === 0) out.push(top);
    else out.push(...top.children);
  }
  return out;
}
