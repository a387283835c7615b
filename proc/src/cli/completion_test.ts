/**
 * Shell completions generated from the command table, exercised in the real shells: bash through
 * its completion function, fish through `complete -C`, zsh by typing Tab in an interactive zsh
 * under a pseudo-terminal. Service names come from a real daemon.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import { after, before, test } from "node:test";
import {
  daemonEnv,
  type DaemonProcess,
  LAUNCHER,
  startDaemonProcess,
  tempDir,
  waitFor,
} from "../test_support.ts";

let dir: ReturnType<typeof tempDir>;
let daemon: DaemonProcess;
let env: Record<string, string>;

function script(shell: string): string {
  const r = spawnSync(process.execPath, [LAUNCHER, "completion", shell], { encoding: "utf8", env });
  assert.equal(r.status, 0, r.stderr);
  const file = path.join(dir.dir, `completion.${shell}`);
  fs.writeFileSync(file, r.stdout);
  return file;
}

function shellHas(shell: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${shell}`]).status === 0;
}

before(async () => {
  dir = tempDir("hero_completion_");
  daemon = await startDaemonProcess(dir.dir);
  await daemon.client.call("service.set", {
    service: { name: "sleeper", exec: "sleep 60", autostart: false },
  });
  // `hero_proc` on the PATH, as an installed bin would be.
  const bin = path.join(dir.dir, "bin");
  fs.mkdirSync(bin);
  fs.writeFileSync(
    path.join(bin, "hero_proc"),
    `#!/bin/sh\nexec "${process.execPath}" "${LAUNCHER}" "$@"\n`,
    { mode: 0o755 },
  );
  env = {
    ...process.env,
    ...daemonEnv(dir.dir),
    PATH: `${bin}:${process.env.PATH}`,
    HOME: dir.dir,
    XDG_CONFIG_HOME: path.join(dir.dir, "xdg"),
    XDG_DATA_HOME: path.join(dir.dir, "xdg-data"),
  } as Record<string, string>;
});

after(async () => {
  await daemon.client.call("system.shutdown");
  await daemon.exited;
  daemon.client.close();
  dir.cleanup();
});

test("completion refuses an unknown shell", () => {
  const r = spawnSync(process.execPath, [LAUNCHER, "completion", "tcsh"], {
    encoding: "utf8",
    env,
  });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Give a shell: hero_proc completion bash\|zsh\|fish \(not "tcsh"\)/);
});

test("bash completes commands, options, values and service names", () => {
  const file = script("bash");
  const complete = (line: string) => {
    const words = line.split(" ");
    const r = spawnSync("bash", [
      "-c",
      `source "${file}"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); ` +
      `COMP_CWORD=${words.length - 1}; _hero_proc; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ], { encoding: "utf8", env });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim().split("\n").filter(Boolean).sort();
  };
  assert.deepEqual(complete("hero_proc sta"), ["start", "status"]);
  assert.deepEqual(complete("hero_proc shut"), ["shutdown"]);
  assert.deepEqual(complete("hero_proc logs --fo"), ["--follow"]);
  assert.deepEqual(complete("hero_proc logs --level e"), ["error"]);
  assert.deepEqual(complete("hero_proc stop sl"), ["sleeper"]);
  assert.deepEqual(complete("hero_proc service re"), ["remove", "restart"]);
  assert.deepEqual(complete("hero_proc service start sl"), ["sleeper"]);
  assert.deepEqual(complete("hero_proc add web --res"), ["--restart"]);
  assert.deepEqual(complete("hero_proc completion f"), ["fish"]);
});

test("fish completes commands, options and service names", (t) => {
  if (!shellHas("fish")) return t.skip("fish is not installed");
  const file = script("fish");
  const complete = (line: string) => {
    const r = spawnSync("fish", ["--no-config", "-c", `source "${file}"; complete -C "${line}"`], {
      encoding: "utf8",
      env,
    });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim().split("\n").filter(Boolean).map((l) => l.split("\t")[0]).sort();
  };
  assert.deepEqual(complete("hero_proc sta"), ["start", "status"]);
  assert.deepEqual(complete("hero_proc logs --fol"), ["--follow"]);
  assert.deepEqual(complete("hero_proc stop sl"), ["sleeper"]);
  assert.deepEqual(complete("hero_proc logs --level wa"), ["warn"]);
  assert.deepEqual(complete("hero_proc service sta"), ["start", "status"]);
});

test("zsh completes on Tab in an interactive shell", async (t) => {
  if (!shellHas("zsh")) return t.skip("zsh is not installed");
  const file = script("zsh");
  const pty = await import("node-pty");
  const term = pty.spawn("zsh", ["-f", "-i"], {
    cols: 200,
    rows: 40,
    cwd: dir.dir,
    env: { ...env, PS1: "%% " },
  });
  let screen = "";
  term.onData((d) => (screen += d));
  // deno-lint-ignore no-control-regex
  const plain = () => screen.replace(/\x1b\[[0-9;]*m/g, "");
  try {
    term.write(`autoload -U compinit && compinit -u && source ${file} && echo READY-$((6*7))\r`);
    await waitFor("zsh ready", () => screen.includes("READY-42"), 15_000);
    const tab = async (typed: string, expect: string) => {
      screen = "";
      term.write(`${typed}\t`);
      await waitFor(
        `"${typed}<Tab>" completes to "${expect}"`,
        () => plain().includes(expect),
        10_000,
      )
        .catch((err) => {
          throw new Error(`${err.message}; screen: ${JSON.stringify(screen)}`);
        });
      term.write("\x15"); // Ctrl-U: clear the line
    };
    await tab("hero_proc shutd", "shutdown ");
    await tab("hero_proc logs --foll", "--follow ");
    await tab("hero_proc stop slee", "sleeper ");
    await tab("hero_proc logs --level war", "warn ");
  } finally {
    term.kill();
  }
});
