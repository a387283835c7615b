/**
 * `hero_proc deploy` as a user runs it against a real daemon and a real git repository: a
 * deploy with its build output, a second deploy, a release that never gets healthy (switched
 * back), a manual rollback, list, prune, and bad input refused with a clear message.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import { AppRepo, appService, ask, freePort } from "../deploy/deploy_fixture.ts";
import { type DaemonProcess, LAUNCHER, startDaemonProcess, tempDir } from "../test_support.ts";

/** Runs the CLI without blocking the event loop (the fixture's server answers meanwhile). */
function cli(env: Record<string, string>, ...args: string[]) {
  const child = spawn(process.execPath, [LAUNCHER, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (err += c));
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, out, err }))
  );
}

describe("hero_proc deploy (CLI)", () => {
  const t = tempDir("hero_proc_deploy_cli_");
  let d: DaemonProcess;
  let repo: AppRepo;
  let port: number;
  const shas: Record<string, string> = {};

  before(async () => {
    process.env.HERO_DEPLOY_DIR = path.join(t.dir, "deploy");
    d = await startDaemonProcess(t.dir);
    repo = new AppRepo(path.join(t.dir, "app"));
    shas.v1 = repo.git("rev-parse", "HEAD");
    port = await freePort();
    await d.client.call("service.set", { service: appService("web", port) });
  });
  after(async () => {
    await d.client.call("system.shutdown").catch(() => {});
    await d.exited;
    d.client.close();
    t.cleanup();
  });
  const deploy = (...more: string[]) =>
    cli(d.env, "deploy", "web", "--repo", repo.dir, "--build", "sh build.sh", ...more);

  it("deploys, printing the states and the build's output", async () => {
    const r = await deploy("--ref", "main", "--health-timeout", "5s");
    assert.equal(r.code, 0, r.err);
    // States are printed as they are seen (a quick deploy may pass some between two polls).
    assert.match(r.err, /\| building v1\n(.*\n)*deploy 1: live [0-9a-f]{12}\n$/);
    assert.match(r.out, new RegExp(`Deploy 1 of web: ${shas.v1.slice(0, 12)} is live`));
    assert.equal((await ask(port))[0], "v1");
  });

  it("a second deploy, then a release that never gets healthy is switched back (exit 1)", async () => {
    shas.v2 = repo.commit("v2");
    let r = await deploy("--health-timeout", "5s");
    assert.equal(r.code, 0, r.err);
    assert.equal((await ask(port))[0], "v2");
    shas.v3 = repo.commit("v3", { broken: true });
    r = await deploy("--health-timeout", "3s");
    assert.equal(r.code, 1);
    assert.match(r.err, /deploy 3: waiting_health [0-9a-f]{12}\n(.*\n)*deploy 3: rolled_back/);
    assert.match(
      r.out,
      /Deploy 3 of web: rolled_back — the release was not healthy within 3000 ms.*switched back to/,
    );
    assert.equal((await ask(port))[0], "v2");
  });

  it("rolls back by hand, lists releases and prunes", async () => {
    let r = await cli(d.env, "deploy", "rollback", "web");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`Rollback 4 of web: ${shas.v1.slice(0, 12)} is live`));
    assert.equal((await ask(port))[0], "v1");
    r = await cli(d.env, "deploy", "list", "--json");
    const [status] = JSON.parse(r.out);
    assert.equal(status.current, shas.v1);
    assert.deepEqual(status.history.map((h: { state: string }) => h.state), [
      "live",
      "rolled_back",
      "superseded",
      "superseded",
    ]);
    r = await cli(d.env, "deploy", "list");
    assert.match(
      r.out,
      new RegExp(`web: current ${shas.v1.slice(0, 12)}\\n  \\* ${shas.v1.slice(0, 12)}`),
    );
    r = await cli(d.env, "deploy", "prune", "web", "--keep", "1");
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(fs.readdirSync(path.join(t.dir, "deploy/web/releases")), [shas.v1]);
  });

  it("refuses bad input with a clear message and changes nothing", async () => {
    let r = await cli(d.env, "deploy", "web");
    assert.equal(r.code, 2);
    assert.match(r.err, /Missing --repo PATH_OR_URL/);
    r = await deploy("--ref", "no-such-branch");
    assert.equal(r.code, 1);
    assert.match(r.out, /failed — Cannot deploy "no-such-branch": no such branch, tag or commit/);
    r = await cli(d.env, "deploy", "nosuch", "--repo", repo.dir);
    assert.equal(r.code, 1);
    assert.match(r.err, /Unknown service "nosuch"/);
    r = await cli(d.env, "deploy", "rollback", "web", "0000000");
    assert.match(r.err, /no such release on disk/);
    assert.equal((await ask(port))[0], "v1");
  });
});
