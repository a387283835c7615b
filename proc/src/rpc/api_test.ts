/**
 * hero_proc over its real socket: the OpenRPC document is valid and complete, errors carry
 * their codes and advice, and jobs can be run, waited for and cancelled remotely.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { Ajv } from "ajv";
import { RpcError } from "@hero/sdk";
import { pidAlive, startDaemonProcess, tempDir, waitFor } from "../test_support.ts";
import { ProcErrorCode } from "../errors/proc_errors.ts";
import { createProcApi } from "./api.ts";

// The meta-schema's "$schema" and its embedded JSON-Schema meta-schema point at a URL Ajv cannot
// fetch; schemas inside the document are checked by Ajv compiling them in the server instead.
const { $schema: _unused, ...metaSchema } =
  createRequire(import.meta.url)("@open-rpc/meta-schema").default;
metaSchema.definitions = {
  ...metaSchema.definitions,
  JSONSchema: { type: ["object", "boolean"] },
  referenceObject: { type: "object", required: ["$ref"], properties: { $ref: { type: "string" } } },
};

interface Job {
  id: number;
  state: string;
  exit_code: number | null;
  pid: number;
  reason: string | null;
  signal: string | null;
}

test("every method's params schema compiles (the daemon compiles them lazily)", () => {
  const api = createProcApi({
    sup: () => assert.fail("not called"),
    paths: { state_dir: "", config_dir: "", socket: "" },
    version: "0",
    startedAt: 0,
    shutdown: () => Promise.resolve({ survivors: [] }),
  }, "eager");
  assert.ok(api.methodNames.length >= 20);
});

test("hero_proc serves a valid OpenRPC document with every method, schemas, errors and examples", async () => {
  const { dir, cleanup } = tempDir();
  const d = await startDaemonProcess(dir);
  try {
    const doc = await d.client.call<
      { methods: { name: string; errors?: unknown[]; examples?: unknown[] }[] }
    >("rpc.discover");
    const ajv = new Ajv({ strict: false, validateFormats: false });
    assert.ok(ajv.validate(metaSchema, doc), JSON.stringify(ajv.errors?.slice(0, 3)));
    const names = doc.methods.map((m) => m.name);
    for (
      const n of [
        "service.set",
        "service.get",
        "service.list",
        "service.remove",
        "service.start",
        "service.stop",
        "service.restart",
        "service.status",
        "service.kill",
        "service.logs",
        "action.list",
        "job.run",
        "job.list",
        "job.get",
        "job.stats",
        "job.wait",
        "job.cancel",
        "job.logs",
        "system.info",
        "system.shutdown",
        "system.reload",
      ]
    ) assert.ok(names.includes(n), `method ${n}`);
    for (const m of doc.methods) assert.ok(m.examples?.length, `${m.name} has an example`);
    assert.ok(doc.methods.find((m) => m.name === "service.status")!.errors!.length > 0);
  } finally {
    await d.client.call("system.shutdown");
    await d.exited;
    d.client.close();
    cleanup();
  }
});

test("errors: invalid definitions are rejected with the field named, unknown services get a suggestion", async () => {
  const { dir, cleanup } = tempDir();
  const d = await startDaemonProcess(dir);
  try {
    const err = async (method: string, params: Record<string, unknown>) => {
      try {
        await d.client.call(method, params);
      } catch (e) {
        return e as RpcError;
      }
      assert.fail(`${method} should fail`);
    };
    let e = await err("service.set", { service: { name: "Bad-Name", exec: "true" } });
    assert.equal(e.code, -32602);
    assert.match(
      e.message,
      /Invalid service name "Bad-Name": a service name may only contain a-z, 0-9 and _/,
    );
    e = await err("service.set", { service: { name: "rpc", exec: "true" } });
    assert.match(e.message, /"rpc" is reserved by hero_router/);
    e = await err("service.set", {
      service: { name: "ok", exec: "true", stop: { signal: "SIGNOPE" } },
    });
    assert.match(e.message, /stop\.signal: unknown signal "SIGNOPE"/);
    e = await err("service.set", { service: { name: "ok", exec: [] } });
    assert.equal(e.code, -32602);
    e = await err("service.set", {
      service: { name: "ok", actions: { a: { exec: "true", restart: { policy: "sometimes" } } } },
    });
    assert.match(
      e.message,
      /restart.policy.*(must be one of always, on-failure, never|allowed values)/,
    );
    e = await err("service.set", { service: { name: "ok", exec: "true", requires: ["ghost"] } });
    assert.match(e.message, /Invalid service "ok": depends on unknown service "ghost"/);
    assert.deepEqual(await d.client.call("service.list"), [], "nothing was stored");
    await d.client.call("service.set", {
      service: { name: "database", exec: "sleep 60", autostart: false },
    });
    e = await err("service.status", { name: "databse" });
    assert.equal(e.code, ProcErrorCode.ServiceNotFound);
    assert.match(e.message, /Unknown service "databse"; did you mean "database"\?/);
    assert.equal((e.data as { suggestion: string }).suggestion, "database");
    e = await err("job.get", { id: 999 });
    assert.equal(e.code, ProcErrorCode.JobNotFound);
  } finally {
    await d.client.call("system.shutdown");
    await d.exited;
    d.client.close();
    cleanup();
  }
});

test("job.run / wait / cancel / logs: ad-hoc jobs with exit codes, time limits and cancellation", async () => {
  const { dir, cleanup } = tempDir();
  const d = await startDaemonProcess(dir);
  try {
    const ok = await d.client.call<Job>("job.run", {
      command: "echo out; echo $GREETING",
      env: { GREETING: "hi" },
      wait: true,
    });
    assert.equal(ok.state, "succeeded");
    assert.equal(ok.exit_code, 0);
    const lines = await d.client.call<{ message: string; source: string }[]>("job.logs", {
      id: ok.id,
    });
    assert.deepEqual(lines.map((l) => [l.source, l.message]), [[`job.${ok.id}.stdout`, "out"], [
      `job.${ok.id}.stdout`,
      "hi",
    ]]);

    const bad = await d.client.call<Job>("job.run", {
      command: ["sh", "-c", "exit 4"],
      wait: true,
    });
    assert.equal(bad.state, "failed");
    assert.equal(bad.exit_code, 4);

    const slow = await d.client.call<Job>("job.run", { command: ["sleep", "30"], timeout_ms: 200 });
    const timedOut = await d.client.call<Job>("job.wait", { id: slow.id, timeout_ms: 5000 });
    assert.equal(timedOut.state, "timed_out");
    assert.equal(pidAlive(slow.pid), false);

    const long = await d.client.call<Job>("job.run", { command: "sleep 30 & sleep 30" });
    assert.equal(long.state, "running");
    const stillRunning = await d.client.call<Job>("job.wait", { id: long.id, timeout_ms: 100 });
    assert.equal(stillRunning.state, "running");
    const cancelled = await d.client.call<Job>("job.cancel", { id: long.id });
    assert.equal(cancelled.state, "cancelled");
    assert.equal(pidAlive(long.pid), false);

    const missing = await d.client.call<Job>("job.run", {
      command: ["/nonexistent/binary"],
      wait: true,
    });
    assert.equal(missing.state, "failed");
    assert.match(missing.reason!, /Cannot start: command not found: \/nonexistent\/binary/);

    const listed = await d.client.call<Job[]>("job.list", { adhoc: true });
    assert.deepEqual(listed.map((j) => j.id), [missing.id, long.id, slow.id, bad.id, ok.id]);
  } finally {
    await d.client.call("system.shutdown");
    await d.exited;
    d.client.close();
    cleanup();
  }
});

test("service.kill signals the group; action.stop stops dependents first; action.start brings them back", async () => {
  const { dir, cleanup } = tempDir();
  const d = await startDaemonProcess(dir);
  type A = { name: string; state: string; pid: number | null; restarts: number };
  try {
    await d.client.call("service.set", {
      service: {
        name: "pair",
        actions: {
          base: { exec: ["sleep", "300"], restart: { policy: "on-failure", delay_ms: 50 } },
          top: { exec: ["sleep", "301"], depends_on: ["base"] },
        },
      },
    });
    await d.client.call("service.start", { name: "pair", wait: true, timeout_ms: 10_000 });
    let actions = await d.client.call<A[]>("action.list", { name: "pair" });
    const basePid = actions[0].pid!;
    assert.deepEqual(
      await d.client.call("service.kill", { name: "pair", action: "base", signal: "KILL" }),
      { signalled: 1 },
    );
    // on-failure: a SIGKILL is a failure, so base comes back with a new pid.
    await waitFor("base restarted", async () => {
      actions = await d.client.call<A[]>("action.list", { name: "pair" });
      return actions[0].state === "running" && actions[0].pid !== basePid;
    });
    assert.equal(actions[0].restarts, 1);
    actions = await d.client.call<A[]>("action.stop", { name: "pair", action: "base" });
    assert.deepEqual(actions.map((a) => [a.name, a.state, a.pid]), [["base", "stopped", null], [
      "top",
      "stopped",
      null,
    ]]);
    actions = await d.client.call<A[]>("action.start", { name: "pair", action: "base" });
    assert.equal(actions[1].state, "stopped", "starting base does not start its dependents");
    await assert.rejects(
      d.client.call("action.start", { name: "pair", action: "nope" }),
      /Service "pair" has no action "nope"/,
    );
    await assert.rejects(
      d.client.call("service.kill", { name: "pair", signal: "SIGBOGUS" }),
      /Unknown signal "SIGBOGUS"/,
    );
  } finally {
    await d.client.call("system.shutdown");
    await d.exited;
    d.client.close();
    cleanup();
  }
});
