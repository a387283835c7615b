/**
 * hero_proc's `GET /health` names each service with its state, pid, CPU and memory, taken from
 * the job's cgroup (`usage_source: "cgroup"`; `"proc"` in the fallback run without cgroups).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import path from "node:path";
import process from "node:process";
import { startDaemonProcess, tempDir, waitFor } from "../test_support.ts";

const FALLBACK = /^(off|0|false|no|none)$/i.test(process.env.HERO_PROC_CGROUPS ?? "");

interface ServiceHealth {
  name: string;
  state: string;
  pid: number | null;
  cpu_percent: number;
  memory_bytes: number;
  usage_source: string | null;
}

function getHealth(socket: string): Promise<{ status: string; detail: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    http.get({ socketPath: socket, path: "/health" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve(JSON.parse(body)));
    }).on("error", reject);
  });
}

test("GET /health details each service's state, pid, CPU and memory from its cgroup", async () => {
  const { dir, cleanup } = tempDir();
  const d = await startDaemonProcess(dir);
  const socket = path.join(d.env.PATH_SOCKET, "hero_proc", "rpc.sock");
  try {
    await d.client.call("service.set", {
      service: { name: "burner", exec: ["sh", "-c", "while :; do :; done"] },
    });
    await d.client.call("service.set", {
      service: { name: "idle", exec: ["sleep", "1000"], autostart: false },
    });
    const burner = async () => {
      const health = await getHealth(socket);
      const list = health.detail.services as ServiceHealth[];
      return { h: health, burner: list.find((s) => s.name === "burner")!, list };
    };
    // CPU is the share since the previous sample: the second look sees the loop's use. The
    // cgroup's memory figures are flushed by the kernel now and then (v1 memory.stat for a
    // process of a few pages can read 0 for a moment): waited for too.
    const seen = await waitFor("burner using CPU and memory", async () => {
      const r = await burner();
      return r.burner.pid && r.burner.cpu_percent > 0 && r.burner.memory_bytes > 0 ? r : undefined;
    }) as Awaited<ReturnType<typeof burner>>;
    assert.equal(seen.h.status, "ok");
    assert.equal(seen.h.detail.containment, FALLBACK ? "process-group" : "cgroup");
    assert.equal(seen.burner.state, "running");
    assert.ok(seen.burner.memory_bytes > 0, `memory ${seen.burner.memory_bytes}`);
    assert.equal(seen.burner.usage_source, FALLBACK ? "proc" : "cgroup");
    const idle = seen.list.find((s) => s.name === "idle")!;
    assert.deepEqual(
      { state: idle.state, pid: idle.pid, usage_source: idle.usage_source },
      { state: "stopped", pid: null, usage_source: null },
    );
  } finally {
    await d.client.call("system.shutdown", { wait: true }).catch(() => {});
    await d.exited;
    d.client.close();
    cleanup();
  }
});
