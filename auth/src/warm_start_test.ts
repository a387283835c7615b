/**
 * hero_auth's first start with an empty compile cache: it fills the cache and restarts itself
 * in place (same pid, marked in its environment) before serving, then serves and stops on
 * SIGTERM like any start.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { AUTH_NODE_FLAGS, authNodeEnv } from "./node_flags.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

test("a first start fills the compile cache and restarts in place before serving", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hero-auth-warm-"));
  const cache = path.join(dir, "cache");
  const child = spawn(process.execPath, [
    ...AUTH_NODE_FLAGS,
    MAIN,
    "run",
    "--db",
    path.join(dir, "auth.db"),
    "--issuer",
    "http://localhost:9/hero_auth/web_oidc",
  ], {
    env: { ...process.env, ...authNodeEnv(cache), PATH_SOCKET: dir, HERO_LOG_LEVEL: "error" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (c) => String(c).includes("serving") && resolve());
      child.once("exit", (code) => reject(new Error(`hero_auth exited with ${code}`)));
    });
    const environ = fs.readFileSync(`/proc/${child.pid}/environ`, "utf8").split("\0");
    assert.ok(environ.includes("HERO_AUTH_WARM_RESTART=1"), "restarted in place (same pid)");
    assert.ok(fs.readdirSync(cache).length > 0, "the compile cache was written");
  } finally {
    child.kill("SIGTERM");
    if (child.exitCode === null) await new Promise((r) => child.once("exit", r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
