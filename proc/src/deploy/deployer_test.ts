/**
 * Deploys against a real git repository and a real supervisor: first deploy, second deploy,
 * a broken build (nothing switched), a release that never gets healthy (switched back by
 * itself), two deploys at once (the second refused), manual rollbacks, and pruning.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { openTestSupervisor } from "../test_support.ts";
import type { Supervisor } from "../supervisor/supervisor.ts";
import { AppRepo, appService, ask, freePort } from "./deploy_fixture.ts";
import { Deployer } from "./deployer.ts";

describe("deploys with git worktrees", () => {
  let t: Awaited<ReturnType<typeof openTestSupervisor>>;
  let sup: Supervisor;
  let repo: AppRepo;
  let deployer: Deployer;
  let port: number;
  const shas: Record<string, string> = {};
  const root = () => path.join(t.dir, "deploy");
  const web = () => path.join(root(), "web");
  const deploy = async (ref: string, extra: Record<string, unknown> = {}) => {
    const rec = deployer.start({
      service: "web",
      repo: repo.dir,
      ref,
      build: "sh build.sh",
      health_timeout_ms: 4000,
      ...extra,
    });
    return await deployer.wait("web", rec.id);
  };
  const locked = () =>
    execFileSync("git", ["worktree", "list", "--porcelain"], {
      cwd: path.join(web(), "repo.git"),
      encoding: "utf8",
    }).split("\n\n").filter((b) => b.includes("\nlocked")).map((b) =>
      path.basename(b.split("\n")[0])
    );

  before(async () => {
    t = await openTestSupervisor();
    sup = t.sup;
    repo = new AppRepo(path.join(t.dir, "app"));
    shas.v1 = repo.git("rev-parse", "HEAD");
    port = await freePort();
    await sup.setService(appService("web", port));
    deployer = new Deployer(() => sup, root());
    deployer.settleMs = 300;
  });
  after(() => t.close());

  it("deploys a commit: mirror, worktree, build job, shared/, current, healthy", async () => {
    const rec = await deploy("main");
    assert.equal(rec.state, "live", rec.reason ?? "");
    assert.equal(rec.sha, shas.v1);
    const release = path.join(web(), "releases", shas.v1);
    assert.equal(fs.readlinkSync(path.join(web(), "current")), `releases/${shas.v1}`);
    assert.deepEqual(await ask(port), ["v1", release]);
    assert.equal(fs.readFileSync(path.join(release, "build.out"), "utf8").trim(), "v1");
    assert.equal(fs.realpathSync(path.join(release, "shared")), path.join(web(), "shared"));
    assert.ok(fs.existsSync(path.join(web(), "repo.git/HEAD")), "a bare mirror");
    const job = sup.jobs.get(rec.build_job!);
    assert.equal(job.state, "succeeded");
    assert.equal(job.cwd, release);
    assert.deepEqual(locked(), [shas.v1], "the live release is locked");
    assert.equal(sup.service("web").spec.actions[0].cwd, path.join(web(), "current"));
  });

  it("deploys a second commit; the first is superseded and unlocked; shared/ is kept", async () => {
    shas.v2 = repo.commit("v2");
    const rec = await deploy("main");
    assert.equal(rec.state, "live", rec.reason ?? "");
    assert.equal(rec.previous, shas.v1);
    assert.deepEqual(await ask(port), ["v2", path.join(web(), "releases", shas.v2)]);
    assert.equal(deployer.get("web", 1).state, "superseded");
    assert.deepEqual(locked(), [shas.v2]);
    assert.deepEqual(
      fs.readFileSync(path.join(web(), "shared/starts.log"), "utf8").trim().split("\n"),
      ["v1", "v2"],
    );
  });

  it("refuses a second deploy of the same service while one is under way", async () => {
    const first = deployer.start({ service: "web", repo: repo.dir, ref: "main" });
    assert.throws(
      () => deployer.start({ service: "web", repo: repo.dir, ref: "main" }),
      (e: Error & { code?: string }) =>
        e.code === "DEPLOY_BUSY" &&
        new RegExp(`deploy ${first.id} of "web" is under way since`).test(e.message),
    );
    assert.throws(() => deployer.rollback("web"), /under way/);
    assert.equal((await deployer.wait("web", first.id)).state, "live");
  });

  it("a failing build switches nothing and removes its release", async () => {
    const pidBefore = sup.runners("web")[0].job?.child?.pid;
    shas.v3 = repo.commit("v3", { failBuild: true });
    const rec = await deploy("main");
    assert.equal(rec.state, "failed");
    assert.match(rec.reason!, /build failed \(job \d+: exited with code 3\); nothing was switched/);
    assert.equal(fs.readlinkSync(path.join(web(), "current")), `releases/${shas.v2}`);
    assert.equal(sup.runners("web")[0].job?.child?.pid, pidBefore, "not restarted");
    assert.deepEqual((await ask(port))[0], "v2");
    assert.equal(fs.existsSync(path.join(web(), "releases", shas.v3)), false);
  });

  it("a release that never gets healthy is switched back and the previous one restarted", async () => {
    shas.v4 = repo.commit("v4", { broken: true });
    const rec = await deploy("main");
    assert.equal(rec.state, "rolled_back");
    assert.match(rec.reason!, /not healthy within 4000 ms.*switched back to .*healthy again/);
    assert.equal(fs.readlinkSync(path.join(web(), "current")), `releases/${shas.v2}`);
    assert.deepEqual(await ask(port), ["v2", path.join(web(), "releases", shas.v2)]);
    assert.deepEqual(locked(), [shas.v2]);
    assert.equal(deployer.get("web").state, "rolled_back");
  });

  it("rolls back by hand to the previous live release, and forward again by sha prefix", async () => {
    const back = await deployer.wait("web", deployer.rollback("web").id);
    assert.equal(back.state, "live", back.reason ?? "");
    assert.equal(back.sha, shas.v1);
    assert.deepEqual((await ask(port))[0], "v1");
    assert.deepEqual(locked(), [shas.v1]);
    assert.throws(() => deployer.rollback("web", "ffff"), /no such release on disk/);
    const fwd = await deployer.wait("web", deployer.rollback("web", shas.v2.slice(0, 8)).id);
    assert.equal(fwd.state, "live");
    assert.deepEqual((await ask(port))[0], "v2");
  });

  it("prunes the least recently used releases beyond --keep, never the live one", async () => {
    const releases = () => fs.readdirSync(path.join(web(), "releases")).sort();
    assert.deepEqual(releases(), [shas.v1, shas.v2, shas.v4].sort());
    // v4 (the broken one) was used longest ago: v1 was live again since.
    assert.deepEqual(await deployer.prune("web", 2), [shas.v4]);
    assert.deepEqual(releases(), [shas.v1, shas.v2].sort());
    assert.deepEqual(await deployer.prune("web", 1), [shas.v1]);
    assert.deepEqual(releases(), [shas.v2]);
    assert.deepEqual((await ask(port))[0], "v2");
    await assert.rejects(deployer.prune("web", 0), /keep must be 1 or more/);
  });
});
