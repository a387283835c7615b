/**
 * The hero_shim spawner (shim_spawner.ts): every job's shim is forked by one small helper, not
 * by the daemon; when the helper dies, a running job's end is still noticed (the shim is
 * watched without it) and the next start brings up a new helper.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import process from "node:process";
import { openTestSupervisor, waitFor } from "../test_support.ts";

/** The parent pid of `pid`. */
function ppidOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "latin1");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

test("shims are forked by the spawner; when it dies, a job's end is still noticed and a new spawner starts the next", async () => {
  const { sup, close } = await openTestSupervisor();
  try {
    assert.ok(sup.shim.path, `hero_shim: ${sup.shim.problem}`);
    await sup.setService({
      name: "sleeper",
      exec: ["sleep", "300"],
      restart: { policy: "always", delay_ms: 10 },
    });
    const [r] = sup.runners("sleeper");
    const running = () => r.state === "running" && r.job?.child ? r.job.child : undefined;
    const child = (await waitFor("running", running))!;
    const first = sup.ctx.spawner!.pid!;
    assert.equal(ppidOf(child.shimPid!), first, "the shim is the spawner's child");
    assert.match(fs.readFileSync(`/proc/${child.shimPid}/cmdline`, "latin1"), /--reply\0/);

    process.kill(first, "SIGKILL");
    await waitFor("spawner gone", () => sup.ctx.spawner!.pid === undefined);
    const jobId = r.jobId!;
    process.kill(child.pid, "SIGKILL");
    const again = (await waitFor("restarted", () => {
      const c = running();
      return c && c.pid !== child.pid ? c : undefined;
    }))!;
    assert.equal(sup.store.getJob(jobId)!.signal, "SIGKILL", "the end was recorded");
    const second = sup.ctx.spawner!.pid!;
    assert.notEqual(second, first);
    assert.equal(ppidOf(again.shimPid!), second);
  } finally {
    await close();
  }
});
