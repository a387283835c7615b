/**
 * Example pairings for the OpenRPC document (methods that declare none inline get theirs here),
 * so every method shows a caller what to send and what comes back.
 */
import type { ExampleSpec } from "@hero/sdk";

const job = {
  id: 12,
  service: "",
  action: "",
  command: ["/bin/sh", "-c", "make test"],
  state: "succeeded",
  exit_code: 0,
  signal: null,
};
const status = { name: "web", state: "running", health: "healthy", pid: 4242, restarts: 0 };
const ex = (name: string, params: Record<string, unknown>, result: unknown): ExampleSpec[] => [{
  name,
  params: Object.entries(params).map(([n, value]) => ({ name: n, value })),
  result: { name: "result", value: result },
}];

/** Examples by method name. */
export const EXAMPLES: Record<string, ExampleSpec[]> = {
  "service.get": ex("definition of web", { name: "web" }, { spec: { name: "web" }, source: "rpc" }),
  "service.list": ex("all services", {}, [status]),
  "service.remove": ex("remove web", { name: "web" }, null),
  "service.start": ex("start and wait", { name: "web", wait: true, timeout_ms: 30000 }, status),
  "service.stop": ex("stop web", { name: "web" }, { ...status, state: "stopped", pid: null }),
  "service.restart": ex("restart web", { name: "web", wait: true }, status),
  "service.kill": ex("reload config", { name: "web", signal: "SIGHUP" }, { signalled: 1 }),
  "action.list": ex("actions of web", { name: "web" }, [{ name: "server", state: "running" }]),
  "action.start": ex("start one action", { name: "web", action: "server" }, [{
    name: "server",
    state: "starting",
  }]),
  "action.stop": ex("stop one action", { name: "web", action: "server" }, [{
    name: "server",
    state: "stopped",
  }]),
  "action.restart": ex("restart one action", { name: "web", action: "server" }, [{
    name: "server",
    state: "starting",
  }]),
  "service.logs": ex("last lines", { name: "web", limit: 2 }, [
    {
      id: 7,
      ts: 1767225600000,
      level: "info",
      source: "web.server.stdout",
      service: "web",
      job_id: 3,
      message: "listening",
    },
  ]),
  "job.list": ex("ad-hoc jobs", { adhoc: true, limit: 10 }, [job]),
  "job.get": ex("one job", { id: 12 }, job),
  "job.stats": ex("outcomes", {}, [
    { service: "web", action: "server", state: "failed", count: 2 },
    { service: "", action: "", state: "succeeded", count: 14 },
  ]),
  "job.wait": ex("wait up to 10 s", { id: 12, timeout_ms: 10000 }, job),
  "job.cancel": ex("cancel", { id: 13 }, {
    ...job,
    id: 13,
    state: "cancelled",
    exit_code: null,
    signal: "SIGTERM",
  }),
  "job.logs": ex("output of a job", { id: 12 }, [
    {
      id: 9,
      ts: 1767225600000,
      level: "info",
      source: "job.12.stdout",
      service: "job",
      job_id: 12,
      message: "ok",
    },
  ]),
  "system.info": ex("about this hero_proc", {}, { version: "0.1.0", pid: 100, services: 3 }),
  "system.reload": ex("reload the TOML directory", {}, { added: ["db"], updated: [], removed: [] }),
  "system.shutdown": ex("stop everything", {}, { stopping: true }),
  "system.upgrade": ex("hand over to the new build", {}, { upgrading: true, pid: 4242 }),
};
