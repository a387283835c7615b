/**
 * `hero_proc nu-init` with the real `nu` (the `nushell` npm package) against the whole running
 * system: tables and records from every `hero` command, a streaming `hero logs -f`, errors as
 * Nushell errors, and completions of service and method names (`nu --ide-complete`).
 */
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { RpcClient } from "../sdk/mod.ts";
import { type RunningSystem, startSystem, systemIn } from "../scripts/start_system.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));
const NU = path.join(repo, "node_modules/.bin/nu");
const LAUNCHER = path.join(repo, "proc/bin/hero_proc.mjs");

describe("Nushell module (hero_proc nu-init)", () => {
  let dir: string;
  let system: RunningSystem;
  let env: Record<string, string | undefined>;

  /** Runs a Nushell snippet after `use hero.nu *`; resolves stdout, rejects with stderr. */
  const nu = (code: string, extraEnv: Record<string, string | undefined> = {}) =>
    new Promise<string>((resolve, reject) => {
      execFile(
        NU,
        ["--no-config-file", "-c", `use hero.nu *; ${code}`],
        {
          cwd: dir,
          env: { ...env, ...extraEnv } as NodeJS.ProcessEnv,
          timeout: 30_000,
        },
        (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(stdout)),
      );
    });

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "hero-nu-e2e-"));
    system = await startSystem(systemIn(dir));
    env = { ...process.env, PATH_SOCKET: undefined, HERO_SOCKET_DIR: undefined };
    const module = execFileSync(process.execPath, [
      LAUNCHER,
      "nu-init",
      "--socket-dir",
      system.socketRoot,
    ], {
      encoding: "utf8",
    });
    await fs.writeFile(path.join(dir, "hero.nu"), module);
  });

  after(async () => {
    await system?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("hero services | where health == healthy | length prints the right number", async () => {
    const router = new RpcClient(path.join(system.socketRoot, "hero_router/rpc.sock"));
    const services = await router.call<{ name: string; health: string }[]>("router.services")
      .finally(() => router.close());
    const healthy = services.filter((s) => s.health === "healthy").length;
    assert.ok(
      healthy >= 3,
      `hero_proc, hero_router and notes are healthy: ${JSON.stringify(services)}`,
    );
    // The socket root baked in by nu-init is used when PATH_SOCKET is not set.
    assert.equal(
      (await nu("hero services | where health == healthy | length")).trim(),
      `${healthy}`,
    );
    const notes = JSON.parse(await nu("hero services | where name == notes | to json"));
    assert.deepEqual(Object.keys(notes[0]), [
      "name",
      "health",
      "title",
      "version",
      "methods",
      "sockets",
    ]);
    assert.equal(notes[0].methods, 7);
  });

  it("hero jobs and hero rpc return tables and records; a bad call is a Nushell error", async () => {
    const jobs = JSON.parse(await nu("hero jobs --service notes | to json"));
    assert.equal(jobs[0].service, "notes");
    assert.equal(jobs[0].state, "running");
    const created = JSON.parse(
      await nu('hero rpc notes notes.create {title: "from nu", tags: [shell]} | to json'),
    );
    assert.equal(created.title, "from nu");
    const title = await nu(`hero rpc notes notes.get {id: ${created.id}} | get title`);
    assert.equal(title.trim(), "from nu");
    await assert.rejects(nu("hero rpc notes notes.nosuch"), /notes notes\.nosuch: .*not found/i);
    await assert.rejects(nu("hero rpc nobody x.y"), /Service nobody has no socket/);
  });

  it("hero logs returns records, and -f streams lines as they are written", async () => {
    // The heartbeat prints a beat every 2 s: wait until it has printed five lines.
    const store = new RpcClient(path.join(system.socketRoot, "hero_proc/rpc.sock"));
    try {
      for (let i = 0; i < 300; i++) {
        const page = await store.call<{ lines: unknown[] }>("logs.query", {
          source: "heartbeat",
          limit: 5,
        });
        if (page.lines.length >= 5) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      store.close();
    }
    const rows = JSON.parse(await nu("hero logs heartbeat -n 5 | to json"));
    assert.equal(rows.length, 5);
    assert.deepEqual(Object.keys(rows[0]), ["id", "time", "level", "source", "job", "message"]);
    const marker = `nu-marker-${Date.now()}`;
    const following = nu(
      `hero logs job -f -n 1 | where message == "${marker}" | first 1 | get 0.source`,
    );
    await new Promise((r) => setTimeout(r, 1500));
    const rpc = new RpcClient(path.join(system.socketRoot, "hero_proc/rpc.sock"));
    const job = await rpc.call<{ id: number }>("job.run", { command: `echo ${marker}` })
      .finally(() => rpc.close());
    assert.equal((await following).trim(), `job.${job.id}.stdout`);
  });

  it("hero tools lists the router's MCP tools", async () => {
    const tools = JSON.parse(await nu("hero tools | where name =~ '^notes_' | to json"));
    assert.equal(tools.length, 7);
    const stats = tools.find((t: { name: string }) => t.name === "notes_notes_stats");
    assert.equal(stats.read_only, true);
    // hero_proc's deploy methods are tools too, annotated: listing reads, starting writes.
    const deploy = JSON.parse(
      await nu("hero tools | where name =~ '^hero_proc_deploy_' | to json"),
    );
    const ro = Object.fromEntries(
      deploy.map((t: { name: string; read_only: boolean }) => [t.name, t.read_only]),
    );
    assert.deepEqual(ro, {
      hero_proc_deploy_start: false,
      hero_proc_deploy_rollback: false,
      hero_proc_deploy_get: true,
      hero_proc_deploy_list: true,
      hero_proc_deploy_prune: false,
    });
  });

  it("completes service and method names from router.services and rpc.discover", async () => {
    const complete = async (line: string) => {
      const file = path.join(dir, "complete.nu");
      const text = `use hero.nu *\n${line}`;
      await fs.writeFile(file, text);
      const out = execFileSync(NU, [
        "--no-config-file",
        "--ide-complete",
        String(text.length),
        file,
      ], {
        cwd: dir,
        env: env as NodeJS.ProcessEnv,
        encoding: "utf8",
      });
      return JSON.parse(out).completions as string[];
    };
    assert.deepEqual(await complete("hero rpc no"), ["notes"]);
    assert.ok((await complete("hero rpc ")).includes("hero_router"));
    assert.deepEqual(await complete("hero rpc notes notes.s"), ["notes.search", "notes.stats"]);
  });
});
