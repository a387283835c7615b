/**
 * `npm run test:image`: builds the top-level Dockerfile for real without a Docker engine and
 * runs it. mmdebstrap makes the Debian base root filesystem (cached for a week), buildah
 * (`--storage-driver vfs --isolation chroot`) builds the image on it, podman runs it with a
 * services directory mounted, and the checks go through the socket volume and the router's
 * TCP port: hero_proc is PID 1 as a non-root user, every service is healthy (the mounted one
 * too), the router answers, the HEALTHCHECK passes, and `podman stop` ends it cleanly (exit 0,
 * sockets removed). Prints the time of each stage and closes with "N passed, N failed".
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { RpcClient } from "@hero/sdk";
import { knownRefusal, restrictedRuntime } from "./image_runtime.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const CACHE = process.env.HERO_IMAGE_CACHE || "/var/tmp/hero-image";
const SUITE = "bookworm";
const BASE = `localhost/hero-base:${SUITE}`;
const IMAGE = "localhost/hero:test";
const NAME = `hero-test-${process.pid}`;
const STORAGE = ["--storage-driver", "vfs"];
const CA = "/etc/ssl/certs/ca-certificates.crt";

let passed = 0;
let failed = 0;
const timings: [string, number][] = [];

/** Runs a command; resolves its output, rejects with the command and its last lines. */
function run(cmd: string, args: string[], opts: { quiet?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const keep = (c: Buffer) => {
      out += c;
      if (!opts.quiet) process.stderr.write(c);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(out) : reject(
        new Error(
          `${cmd} ${args.slice(0, 4).join(" ")}… exited with ${code}:\n${out.slice(-3000)}`,
        ),
      ));
  });
}

async function timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await fn();
  } finally {
    timings.push([what, Date.now() - t0]);
  }
}

function check(what: string, ok: boolean, detail = ""): void {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${what}${detail ? ` — ${detail}` : ""}`);
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) {
      throw new Error(`Timed out waiting for ${what}${last ? `: ${last}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The Debian base: a week-old root filesystem tarball is made again. */
async function base(): Promise<void> {
  const tar = path.join(CACHE, `base-${SUITE}.tar`);
  const fresh = fs.existsSync(tar) && Date.now() - fs.statSync(tar).mtimeMs < 7 * 86_400_000;
  if (!fresh) {
    await timed("base rootfs (mmdebstrap)", () =>
      run("mmdebstrap", [
        "--variant=minbase",
        "--include=ca-certificates",
        SUITE,
        `${tar}.tmp`,
        `deb http://deb.debian.org/debian ${SUITE} main`,
      ]));
    fs.renameSync(`${tar}.tmp`, tar);
  }
  const have = await run("buildah", [...STORAGE, "images", "--format", "{{.Name}}:{{.Tag}}"], {
    quiet: true,
  });
  if (fresh && have.includes(BASE)) return;
  await timed("base image (buildah import)", async () => {
    const c = (await run("buildah", [...STORAGE, "from", "scratch"], { quiet: true })).trim();
    await run("buildah", [...STORAGE, "add", c, tar, "/"], { quiet: true });
    await run("buildah", [...STORAGE, "commit", "--quiet", "--rm", c, BASE], { quiet: true });
  });
}

async function build(): Promise<void> {
  // The previous image goes (replaced below), so repeated runs do not fill the disk.
  await run("podman", [...STORAGE, "rmi", "-f", IMAGE], { quiet: true }).catch(() => {});
  const ca = fs.existsSync(CA)
    ? [
      "--build-arg",
      "EXTRA_CA_CERTS=/run/hero-build-ca.crt",
      "-v",
      `${CA}:/run/hero-build-ca.crt:ro`,
    ]
    : [];
  await timed("image build (buildah bud)", () =>
    run("buildah", [
      ...STORAGE,
      "bud",
      "--isolation",
      "chroot",
      "--format",
      "docker",
      // One working container per stage: with vfs every cached layer is a full copy of the
      // root filesystem, which made the build slower than building it again.
      "--layers=false",
      "--build-arg",
      `BASE=${BASE}`,
      ...ca,
      "-t",
      IMAGE,
      "-f",
      path.join(REPO, "Dockerfile"),
      REPO,
    ]));
}

/** The mounted services directory: a second notes instance defined only there. */
function mountedServices(dir: string): string {
  const services = path.join(dir, "services");
  fs.mkdirSync(services, { recursive: true });
  fs.writeFileSync(
    path.join(services, "mounted_notes.toml"),
    `description = "notes, defined in the mounted config dir"
[actions.server]
exec = ["/opt/hero/node_modules/.bin/node", "--disable-warning=ExperimentalWarning", "/opt/hero/examples/notes/main.ts", "run", "--service-name", "mounted_notes", "--db", "/home/hero/hero/var/mounted_notes.db"]
health = { socket = "mounted_notes", interval_ms = 1000, start_period_ms = 20000 }
`,
  );
  return services;
}

async function start(vars: string, services: string): Promise<string[]> {
  const args = (extra: string[]) => [
    "run",
    "-d",
    ...extra,
    "--name",
    NAME,
    "--network",
    "host",
    "-e",
    "HERO_BIND=127.0.0.1:0",
    "-v",
    `${vars}:/home/hero/hero/var`,
    "-v",
    `${services}:/home/hero/hero/cfg/hero_proc/services:ro`,
    IMAGE,
  ];
  try {
    const known = knownRefusal();
    if (known) throw new Error(known);
    await run("podman", [...STORAGE, ...args([])], { quiet: true });
    return STORAGE;
  } catch (err) {
    const runtime = restrictedRuntime(CACHE, (err as Error).message);
    if (!runtime) throw err;
    console.log(`podman: ${runtime.why}; running through ${runtime.path}`);
    await run("podman", [...STORAGE, "rm", "-f", NAME], { quiet: true }).catch(() => {});
    const podman = [...STORAGE, "--runtime", runtime.path];
    await run("podman", [...podman, ...args(["--cgroups", "disabled"])], { quiet: true });
    return podman;
  }
}

async function checks(podman: string[], vars: string): Promise<void> {
  const sockets = path.join(vars, "sockets");
  const proc = new RpcClient(path.join(sockets, "hero_proc/rpc.sock"), { timeoutMs: 10_000 });
  try {
    type Svc = { name: string; state: string; health: string };
    const want = ["heartbeat", "hero_router", "mounted_notes", "notes"];
    const services = await timed(
      "run until every service is healthy",
      () =>
        until("every service healthy", async () => {
          const list = await proc.call<Svc[]>("service.list");
          const ready = list.filter((s) =>
            s.state === "running" && (s.health === "healthy" || s.name === "heartbeat")
          );
          return ready.length === want.length ? list : undefined;
        }, 180_000),
    );
    check(
      "hero_proc runs the image's services and the mounted one, all healthy",
      JSON.stringify(services.map((s) => s.name).sort()) === JSON.stringify(want),
      services.map((s) => `${s.name}:${s.state}/${s.health}`).join(" "),
    );
    const inside = await run("podman", [
      ...podman,
      "exec",
      NAME,
      "sh",
      "-c",
      'id -u; tr "\\0" " " < /proc/1/cmdline; echo; cat /proc/[0-9]*/stat | awk \'$3 == "Z"\' | wc -l',
    ], { quiet: true });
    const [uid, cmdline, zombies] = inside.trim().split("\n");
    check("runs as a non-root user", uid.trim() === "1000", `uid ${uid}`);
    check("hero_proc is PID 1", /hero_proc\.mjs serve/.test(cmdline), cmdline);
    check("no zombie inside", zombies.trim() === "0", `${zombies.trim()} zombie(s)`);
    const router = new RpcClient(path.join(sockets, "hero_router/rpc.sock"));
    const health = await router.call<{ tcpListeners: string[]; byHealth: { healthy: number } }>(
      "router.health",
    ).finally(() => router.close());
    check(
      "the router found every service",
      health.byHealth.healthy >= 4,
      JSON.stringify(health.byHealth),
    );
    const origin = `http://${health.tcpListeners[0]}`;
    const token = fs.readFileSync(path.join(sockets, "admin_token"), "utf8").trim();
    const anonymous = await fetch(`${origin}/`);
    await anonymous.body?.cancel();
    const page = await fetch(`${origin}/`, { headers: { authorization: `Bearer ${token}` } });
    await page.body?.cancel();
    check(
      "the router answers over TCP, behind its gate",
      anonymous.status === 401 && page.status === 200,
      `GET / → ${anonymous.status} without credentials, ${page.status} with the admin token`,
    );
    const hc = await run("podman", [...podman, "healthcheck", "run", NAME], { quiet: true })
      .then(() => "healthy", (e: Error) => e.message.split("\n").slice(-2).join(" "));
    check("the image's HEALTHCHECK passes", hc === "healthy", hc);
  } finally {
    proc.close();
  }
}

async function main(): Promise<number> {
  fs.mkdirSync(CACHE, { recursive: true });
  const t0 = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hero-image-test-"));
  const vars = path.join(dir, "var");
  fs.mkdirSync(vars);
  fs.chownSync(vars, 1000, 1000);
  let podman = STORAGE;
  try {
    await base();
    await build();
    podman = await timed("container start", () => start(vars, mountedServices(dir)));
    await checks(podman, vars);
    const stopped = await timed("podman stop (SIGTERM to PID 1)", async () => {
      await run("podman", [...podman, "stop", "-t", "30", NAME], { quiet: true });
      return await run("podman", [...podman, "inspect", NAME, "--format", "{{.State.ExitCode}}"], {
        quiet: true,
      });
    });
    check("stops cleanly on SIGTERM", stopped.trim() === "0", `exit code ${stopped.trim()}`);
    const left = fs.readdirSync(path.join(vars, "sockets"), { recursive: true })
      .filter((f) => String(f).endsWith(".sock"));
    check("every socket is removed on stop", left.length === 0, left.join(" "));
  } catch (err) {
    check("the image builds and runs", false, (err as Error).message);
    const logs = await run("podman", [...podman, "logs", NAME], { quiet: true }).catch(() => "");
    if (logs) console.log(`container log:\n${logs.slice(-4000)}`);
  } finally {
    await run("podman", [...podman, "rm", "-f", NAME], { quiet: true }).catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
  for (const [what, ms] of timings) console.log(`time: ${what}: ${(ms / 1000).toFixed(1)} s`);
  console.log(`time: total: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

process.exit(await main());
