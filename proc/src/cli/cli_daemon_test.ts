/**
 * The CLI around the daemon itself: broken TOML files reported by `start`, `list` and `reload`
 * while the good ones run, and `stop` without a name asking on a terminal before `shutdown`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import { test } from "node:test";
import { daemonEnv, LAUNCHER, pidAlive, tempDir, waitFor } from "../test_support.ts";

function cli(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [LAUNCHER, ...args], {
    env: { ...process.env, ...env, NO_COLOR: "" },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("CLI: one broken TOML file is reported by start, list and reload; the others run", () => {
  const { dir, cleanup } = tempDir();
  const env = daemonEnv(dir);
  const cfg = env.HERO_PROC_CONFIG_DIR;
  fs.mkdirSync(cfg, { recursive: true });
  fs.writeFileSync(path.join(cfg, "good.toml"), `exec = ["sleep", "60"]\n`);
  fs.writeFileSync(path.join(cfg, "broken.toml"), `description = "x"\nexec = [\n`);
  fs.writeFileSync(path.join(cfg, "wrong.toml"), `exec = "true"\nkind = "forever"\n`);
  try {
    let r = cli(env, "start");
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /not loaded: .*broken\.toml:\d+:\d+: invalid TOML/);
    assert.match(r.err, /not loaded: .*wrong\.toml: Invalid service "wrong": .*kind must be/);

    r = cli(env, "list");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^good\s+running\s+\d+/m);
    assert.match(r.out, /^broken\s+broken\s+-/m);
    assert.match(r.out, /^wrong\s+broken\s+-/m);
    assert.match(r.out, /not loaded \(fix the file, then: hero_proc reload\):/);
    const rows = JSON.parse(cli(env, "list", "--json").out) as { name: string; state: string }[];
    assert.deepEqual(rows.map((s) => [s.name, s.state]), [
      ["good", "running"],
      ["broken", "broken"],
      ["wrong", "broken"],
    ]);

    fs.writeFileSync(path.join(cfg, "later.toml"), `exec = ["sleep", "61"]\n`);
    r = cli(env, "reload");
    assert.equal(r.code, 1, "a reload with bad files fails");
    assert.match(r.out, /Reloaded: added later; updated none; removed none/);
    assert.match(r.err, /broken\.toml:\d+:\d+/);
    assert.match(r.err, /wrong\.toml/);

    fs.writeFileSync(path.join(cfg, "broken.toml"), `exec = ["sleep", "62"]\n`);
    fs.rmSync(path.join(cfg, "wrong.toml"));
    r = cli(env, "reload");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /added broken/);
    assert.doesNotMatch(cli(env, "list").out, /not loaded/);
  } finally {
    cli(env, "shutdown");
    cleanup();
  }
});

test("CLI: stop without a name asks on a terminal; yes stops the daemon, no keeps it", async () => {
  const { dir, cleanup } = tempDir();
  const env = daemonEnv(dir);
  const pty = await import("node-pty");
  const ask = async (answer: string) => {
    const term = pty.spawn(process.execPath, [LAUNCHER, "stop"], {
      env: { ...process.env, ...env, NO_COLOR: "1" } as Record<string, string>,
      cols: 120,
      rows: 20,
    });
    let screen = "";
    term.onData((d) => (screen += d));
    const exit = new Promise<number>((r) => term.onExit(({ exitCode }) => r(exitCode)));
    await waitFor("the question", () => screen.includes("[y/N]"), 15_000);
    term.write(`${answer}\r`);
    return { code: await exit, screen };
  };
  try {
    assert.equal(cli(env, "start").code, 0);
    const pid = (JSON.parse(cli(env, "info").out) as { pid: number }).pid;
    let r = await ask("n");
    assert.equal(r.code, 1);
    assert.match(r.screen, /Stop every service and the hero_proc daemon\? \[y\/N\]/);
    assert.match(r.screen, /Nothing stopped\./);
    assert.ok(pidAlive(pid));
    r = await ask("y");
    assert.equal(r.code, 0, r.screen);
    assert.match(r.screen, /hero_proc stopped \(pid \d+\) with every service/);
    assert.ok(!pidAlive(pid));
  } finally {
    cli(env, "shutdown");
    cleanup();
  }
});

test("CLI: captured lines keep their own level; status marks lines of a previous instance", async () => {
  const { dir, cleanup } = tempDir();
  const env = daemonEnv(dir);
  try {
    assert.equal(cli(env, "start").code, 0);
    const script = [
      "echo 'WARN cache is cold'",
      "echo 'progress 50%' >&2",
      "echo 'TypeError: x is not a function' >&2",
      "echo '    at main (/app/server.js:3:9)' >&2",
      "echo '<6>ready' >&2",
      "echo first-instance",
      "sleep 300",
    ].join("; ");
    let r = cli(env, "start", "levels", "--", "sh", "-c", script);
    assert.equal(r.code, 0, r.err);
    await waitFor(
      "lines captured",
      () => cli(env, "logs", "levels").out.includes("first-instance"),
    );
    const lines = cli(env, "logs", "levels", "--json").out.trim().split("\n").map((l) =>
      JSON.parse(l) as { message: string; level: string; job_id: number }
    );
    const levelOf = (m: string) => lines.find((l) => l.message.includes(m))?.level;
    assert.equal(levelOf("cache is cold"), "warn");
    assert.equal(levelOf("progress 50%"), "warn", "stderr without a level is warn");
    assert.equal(levelOf("TypeError"), "error");
    assert.equal(levelOf("at main"), "error", "a stack frame keeps its error's level");
    assert.equal(levelOf("<6>ready"), "info");
    assert.equal(levelOf("first-instance"), "info");
    const firstJob = lines[0].job_id;

    // Removed and added again: the old instance's lines are marked, the new ones are not.
    assert.equal(cli(env, "remove", "levels").code, 0);
    r = cli(env, "start", "levels", "--", "sh", "-c", "echo second-instance; sleep 300");
    assert.equal(r.code, 0, r.err);
    await waitFor("new line", () => cli(env, "logs", "levels").out.includes("second-instance"));
    r = cli(env, "status", "levels");
    assert.match(r.out, /last lines \(job \d+ is the current instance\):/);
    assert.match(
      r.out,
      new RegExp(
        `\\[previous instance, job ${firstJob}\\] .*levels\\.main\\.stdout first-instance`,
      ),
    );
    assert.match(r.out, /^\S+ \S+ INFO {2}levels\.main\.stdout second-instance$/m);
    const json = JSON.parse(cli(env, "status", "levels", "--json").out) as {
      last_lines: { message: string; previous: boolean }[];
    };
    assert.equal(json.last_lines.find((l) => l.message === "first-instance")?.previous, true);
    assert.equal(json.last_lines.find((l) => l.message === "second-instance")?.previous, false);
  } finally {
    cli(env, "shutdown");
    cleanup();
  }
});
