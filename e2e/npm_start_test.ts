/**
 * `npm start` as a user runs it: the whole system comes up and prints the dashboard URL with
 * the admin token; Ctrl-C (SIGINT to the foreground process group) stops every service and
 * leaves no process and no socket behind.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { RpcClient } from "../sdk/mod.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));

/** Runs `npm start` in its own process group (like a shell's foreground job), all state in `dir`. */
function npmStart(dir: string, bind: string) {
  return spawn("npm", ["start", "--silent"], {
    cwd: repo,
    detached: true,
    env: {
      ...process.env,
      PATH: `${path.join(repo, "node_modules/.bin")}:${process.env.PATH}`,
      PATH_SOCKET: path.join(dir, "sockets"),
      HERO_PROC_STATE_DIR: path.join(dir, "state"),
      HERO_PROC_CONFIG_DIR: path.join(dir, "cfg"),
      HERO_BIND: bind,
      HERO_ADMIN_TOKEN: "",
      HERO_READ_TOKEN: "",
      NOTES_DB: path.join(dir, "notes.db"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

test("npm start brings the system up, prints the dashboard URL, and Ctrl-C stops everything", async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "hero-npm-start-"));
  const sockets = path.join(dir, "sockets");
  const npm = npmStart(dir, "127.0.0.1:0");
  let out = "";
  npm.stdout.on("data", (d) => (out += d));
  npm.stderr.on("data", (d) => (out += d));
  const exited = new Promise<string>((resolve) =>
    npm.on("exit", (code, signal) => resolve(`${code ?? signal}`))
  );
  try {
    const deadline = Date.now() + 60_000;
    await new Promise((r) => setTimeout(r, 0));
    while (!out.includes("Press Ctrl-C")) {
      assert.ok(Date.now() < deadline, `npm start did not come up:\n${out}`);
      assert.equal(npm.exitCode, null, `npm start exited early:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const url = /Dashboard\s+(http:\/\/127\.0\.0\.1:\d+\/\?token=([0-9a-f]{48}))/.exec(out);
    assert.ok(url, out);
    assert.equal(url[2], (await fs.readFile(path.join(sockets, "admin_token"), "utf8")).trim());
    // The link signs in (a session cookie) and leads to the dashboard; nothing opens without it.
    const login = await fetch(url[1], { redirect: "manual" });
    assert.equal(login.status, 303);
    const cookie = login.headers.get("set-cookie")!.split(";")[0];
    const page = await fetch(new URL("/", url[1]), { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /hero_router/);
    // A browser without a session is sent to hero_auth's sign-in (once the router has found it).
    const signIn = /Sign in\s+(http:\/\/localhost:\d+)\//.exec(out)?.[1];
    assert.ok(signIn, out);
    let anonymous: Response;
    for (let i = 0;; i++) {
      anonymous = await fetch(new URL("/", url[1]), {
        headers: { accept: "text/html" },
        redirect: "manual",
      });
      await anonymous.body?.cancel();
      if (anonymous.status === 303 || i === 50) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(anonymous.status, 303);
    assert.equal(anonymous.headers.get("location"), `${signIn}/auth/login?return_to=%2F`);
    const rpc = new RpcClient(path.join(sockets, "hero_proc/rpc.sock"));
    const services = await rpc.call<{ name: string; state: string; pid: number | null }[]>(
      "service.list",
    );
    rpc.close();
    assert.deepEqual(services.map((s) => [s.name, s.state]).sort(), [
      ["browser", "running"],
      ["heartbeat", "running"],
      ["hero_auth", "running"],
      ["hero_collab", "running"],
      ["hero_router", "running"],
      ["notes", "running"],
    ]);
    // hero_collab is behind the gate; with the admin session its web client and API answer.
    const collabUrl = new URL("/hero_collab/admin/", url[1]);
    const collabAnonymous = await fetch(collabUrl, {
      headers: { accept: "text/html" },
      redirect: "manual",
    });
    assert.equal(collabAnonymous.status, 303, "a browser without a session is sent to sign in");
    const collabPage = await fetch(collabUrl, { headers: { cookie } });
    assert.equal(collabPage.status, 200);
    assert.match(await collabPage.text(), /hero_collab/);
    const token = new URL(url[1]).searchParams.get("token")!;
    const callCollab = async (method: string, params: unknown) => {
      const res = await fetch(new URL("/hero_collab/rpc/rpc", url[1]), {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      });
      return (await res.json()).result;
    };
    const [collabWs] = await callCollab("workspaces.list", {});
    const [general] = await callCollab("channels.list", { workspace_id: collabWs.id });
    const posted = await callCollab("messages.post", {
      channel_id: general.id,
      text: "from npm start",
    });
    assert.equal(posted.text, "from npm start");
    // Heavy resources start on first use: the browser service is up, Chromium is not.
    const health = await new Promise<string>((resolve, reject) => {
      http.get({ socketPath: path.join(sockets, "browser/rpc.sock"), path: "/health" }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve(body));
      }).on("error", reject);
    });
    assert.match(JSON.parse(health).reason, /^chromium not_started/);
    const pids = services.map((s) => s.pid!).concat(npm.pid!);
    process.kill(-npm.pid!, "SIGINT");
    // npm re-raises the Ctrl-C it received; the system itself printed its clean stop.
    assert.match(await exited, /^(0|SIGINT)$/, out);
    assert.match(out, /Everything stopped/);
    for (const pid of pids) {
      assert.throws(() => process.kill(pid, 0), `process ${pid} is still running`);
    }
    for (const svc of ["hero_proc", "hero_router", "notes", "browser", "hero_collab"]) {
      assert.deepEqual(
        await fs.readdir(path.join(sockets, svc)).catch(() => []),
        [],
        `${svc} sockets removed`,
      );
    }
  } finally {
    try {
      process.kill(-npm.pid!, "SIGKILL");
    } catch { /* the group is already gone */ }
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test("npm start with the router's port in use fails fast, naming the port and HERO_BIND", async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "hero-npm-busy-"));
  const busy = net.createServer();
  await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
  const port = (busy.address() as net.AddressInfo).port;
  const t0 = Date.now();
  const npm = npmStart(dir, `127.0.0.1:${port}`);
  let out = "";
  npm.stdout.on("data", (d) => (out += d));
  npm.stderr.on("data", (d) => (out += d));
  try {
    const code = await new Promise<number | null>((resolve) => npm.on("exit", resolve));
    const took = Date.now() - t0;
    assert.equal(code, 1, out);
    assert.ok(took < 20_000, `failed after ${took} ms, not fast:\n${out}`);
    assert.match(
      out,
      /Cannot start "hero_router": serve exited during start \(exited with code 1\)/,
    );
    assert.match(out, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}`));
    assert.match(
      out,
      new RegExp(
        `127\\.0\\.0\\.1:${port} is in use by another program: stop it, or choose another address with HERO_BIND \\(e\\.g\\. HERO_BIND=127\\.0\\.0\\.1:${
          port + 1
        } npm start\\)`,
      ),
    );
    assert.doesNotMatch(out, /timed out/i);
  } finally {
    busy.close();
    try {
      process.kill(-npm.pid!, "SIGKILL");
    } catch { /* the group is already gone */ }
    await fs.rm(dir, { recursive: true, force: true });
  }
});
