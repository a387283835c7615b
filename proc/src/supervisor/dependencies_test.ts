/**
 * Dependencies with real processes: depends_on waits for a oneshot to succeed and for a process
 * to be healthy; requires starts the dependency and stopping it stops dependents; shutdown runs
 * dependents first.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { defineApi, HeroServer } from "@hero/sdk";
import { openTestSupervisor, waitFor } from "../test_support.ts";

test("a chain db -> migrate (oneshot) -> api starts in order, each only when its dependency is ready", async () => {
  const { sup, dir, close } = await openTestSupervisor();
  const order = path.join(dir, "order");
  const ready = path.join(dir, "db_ready");
  try {
    await sup.setService({
      name: "db",
      autostart: false,
      actions: {
        server: {
          // Becomes healthy only 300 ms after it starts.
          exec: `echo db >> ${order}; sleep 0.3; touch ${ready}; sleep 60`,
          health: {
            exec: ["test", "-f", ready],
            interval_ms: 100,
            retries: 1,
            start_period_ms: 2000,
          },
        },
      },
    });
    await sup.setService({
      name: "web",
      autostart: false,
      requires: ["db"],
      actions: {
        migrate: { kind: "oneshot", exec: `sleep 0.2; echo migrate >> ${order}` },
        server: { exec: `echo web >> ${order}; sleep 60`, depends_on: ["migrate"] },
      },
    });
    sup.startService("web");
    const [dbServer] = sup.runners("db");
    const [migrate, apiServer] = sup.runners("web");
    await waitFor(
      "migrate waits for db",
      () => /waiting for db\.server/.test(migrate.reason ?? ""),
    );
    assert.equal(migrate.state, "waiting_deps");
    await waitFor("web running", () => apiServer.state === "running", 5000).catch((e) => {
      console.log([dbServer, migrate, apiServer].map((r) => [r.key, r.state, r.health, r.reason]));
      throw e;
    });
    assert.equal(dbServer.health, "healthy");
    assert.equal(migrate.state, "succeeded");
    await waitFor("3 lines", () => fs.readFileSync(order, "utf8").trim().split("\n").length === 3);
    assert.deepEqual(fs.readFileSync(order, "utf8").trim().split("\n"), ["db", "migrate", "web"]);
    // Stopping the required service stops its dependent first.
    const apiPid = apiServer.job!.child!.pid;
    await sup.stopService("db");
    assert.equal(apiServer.state, "stopped");
    assert.equal(dbServer.state, "stopped");
    const apiJob = sup.store.listJobs({ service: "web", action: "server" })[0];
    const dbJob = sup.store.listJobs({ service: "db" })[0];
    assert.equal(apiJob.pid, apiPid);
    assert.ok(apiJob.ended_at! <= dbJob.ended_at!, "dependent stopped before its dependency");
  } finally {
    await close();
  }
});

test("shutdown stops dependents before their dependencies (reverse order)", async () => {
  const { sup, dir, close } = await openTestSupervisor();
  const order = path.join(dir, "order");
  const exec = (name: string) => `trap 'echo ${name} >> ${order}; exit 0' TERM; sleep 60 & wait`;
  try {
    await sup.setService({ name: "base", exec: exec("base") });
    await sup.setService({ name: "mid", exec: exec("mid"), after: ["base"] });
    await sup.setService({ name: "top", exec: exec("top"), requires: ["mid"] });
    await waitFor(
      "all running",
      () => ["base", "mid", "top"].every((n) => sup.runners(n)[0].state === "running"),
    );
    await new Promise((r) => setTimeout(r, 100)); // let the shells install their traps
    await sup.close();
    assert.deepEqual(fs.readFileSync(order, "utf8").trim().split("\n"), ["top", "mid", "base"]);
  } finally {
    await close();
  }
});

test("graph validation rejects unknown dependencies and cycles and changes nothing", async () => {
  const { sup, close } = await openTestSupervisor();
  try {
    await sup.setService({ name: "a", exec: "sleep 60", autostart: false });
    await assert.rejects(
      sup.setService({ name: "b", exec: "true", requires: ["nope"] }),
      /depends on unknown service "nope"/,
    );
    await assert.rejects(
      sup.setService({ name: "b", actions: { x: { exec: "true", depends_on: ["a.zzz"] } } }),
      /action "x" depends on unknown action "a.zzz"/,
    );
    await sup.setService({ name: "b", exec: "sleep 60", after: ["a"], autostart: false });
    await assert.rejects(
      sup.setService({ name: "a", exec: "sleep 60", after: ["b"] }),
      /Dependency cycle: a\.main -> b\.main -> a\.main|Dependency cycle: b\.main -> a\.main -> b\.main/,
    );
    assert.deepEqual(sup.services().map((s) => s.spec.name), ["a", "b"]);
    assert.deepEqual(sup.services()[0].spec.after, []);
  } finally {
    await close();
  }
});

test("a cross-service depends_on starts the other service and waits for its socket health", async () => {
  const { sup, dir, close } = await openTestSupervisor();
  const socketRoot = path.join(dir, "sockets");
  const server = new HeroServer({
    name: "backend",
    api: defineApi({ info: { title: "backend", version: "1" }, methods: [] }),
    socketRoot,
  });
  try {
    // The "backend" action only becomes healthy once its socket answers /health.
    await sup.setService({
      name: "backend",
      autostart: false,
      actions: {
        main: {
          exec: ["sleep", "60"],
          health: {
            socket: path.join(socketRoot, "backend", "rpc.sock"),
            interval_ms: 100,
            retries: 1,
            start_period_ms: 5000,
          },
        },
      },
    });
    await sup.setService({
      name: "frontend",
      autostart: false,
      actions: { main: { exec: ["sleep", "61"], depends_on: ["backend.main"] } },
    });
    sup.startService("frontend");
    const [backend] = sup.runners("backend");
    const [frontend] = sup.runners("frontend");
    await waitFor("backend running", () => backend.state === "running");
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(frontend.state, "waiting_deps", "frontend waits while backend is not healthy");
    await server.start();
    await waitFor("frontend running", () => frontend.state === "running", 5000);
    assert.equal(backend.health, "healthy");
  } finally {
    await server.close();
    await close();
  }
});
