/** 200 services at once: all start, status is right for each, all stop with nothing left behind. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { openTestSupervisor, pidAlive, waitFor } from "../test_support.ts";
import { serviceStatus } from "./service_status.ts";

test("200 services start, report running with their real pid, and stop cleanly", async () => {
  const { sup, close } = await openTestSupervisor();
  try {
    const names = Array.from({ length: 200 }, (_, i) => `svc_${i}`);
    for (const name of names) await sup.setService({ name, exec: ["sleep", "600"] });
    await waitFor(
      "all running",
      () => names.every((n) => sup.runners(n)[0].state === "running"),
      60_000,
    );
    const statuses = await Promise.all(names.map((n) => serviceStatus(sup, n)));
    const pids = statuses.map((s) => s.pid!);
    assert.equal(new Set(pids).size, 200);
    assert.ok(statuses.every((s) => s.state === "running" && s.actions[0].processes.length === 1));
    assert.ok(pids.every(pidAlive));
    await Promise.all(names.map((n) => sup.stopService(n)));
    assert.ok(names.every((n) => sup.runners(n)[0].state === "stopped"));
    assert.equal(pids.filter(pidAlive).length, 0);
  } finally {
    await close();
  }
});
