/**
 * `npm start`: the whole system on this machine. hero_proc runs here (in this process) and
 * supervises hero_router, hero_auth and the example services; once the router is healthy the dashboard URL
 * (with the admin token) is printed. Ctrl-C stops every service, then hero_proc, and exits.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { RpcClient } from "@hero/sdk";
import { AUTH_NODE_FLAGS, authNodeEnv } from "../auth/src/node_flags.ts";
import { loadAdminToken, loadReadToken } from "../ui/session/admin_session.ts";
import { portInUseAdvice, startAndWait } from "../proc/src/cli/start_wait.ts";
import { resolvePaths } from "../proc/src/daemon/paths.ts";
import { type Daemon, serveDaemon } from "../proc/src/daemon/serve.ts";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Where and how to run the system. */
export interface SystemOptions {
  /** Socket root (default `$PATH_SOCKET` or `~/hero/var/sockets`). */
  socketRoot?: string;
  /** hero_proc state and config directories (defaults under `~/hero`). */
  stateDir?: string;
  configDir?: string;
  /** The router's TCP listener (default `127.0.0.1:9988`; port 0 picks one). */
  bind?: string;
  /** Database file of the notes example (default its own). */
  notesDb?: string;
  /** hero_auth's database (default `hero_auth/auth.db` beside hero_proc's state). */
  authDb?: string;
  /** hero_collab's data directory (default `hero_collab/` beside hero_proc's state). */
  collabDir?: string;
}

/** A running system. */
export interface RunningSystem {
  daemon: Daemon;
  socketRoot: string;
  /** `http://host:port` of the router. */
  origin: string;
  /** The admin token (everything). */
  token: string;
  /** The read-only token (dashboard, lists, read-only methods). */
  readToken: string;
  /** Stops everything (services first, then hero_proc). */
  close(): Promise<void>;
}

/** The service definitions hero_proc runs. */
export function systemServices(opts: { socketRoot: string; bind: string; notesDb?: string }) {
  const env = { PATH_SOCKET: opts.socketRoot };
  // The real binary (the .bin entry is a Node wrapper that would add a process per router).
  const real = path.join(REPO, "node_modules/deno/deno");
  const deno = existsSync(real) ? real : path.join(REPO, "node_modules/.bin/deno");
  return [
    {
      name: "hero_router",
      description: "Discovery, dashboard, reverse proxy and MCP gateway",
      actions: {
        serve: {
          exec: [
            deno,
            "run",
            "--allow-all",
            "--unstable-no-legacy-abort",
            // SO_REUSEPORT, for the front's extra event loops (`--front-loops`).
            "--unstable-net",
            path.join(REPO, "router/main.ts"),
            "serve",
            "--bind",
            opts.bind,
          ],
          // With an OTLP endpoint configured, the router's traces come from Deno's own
          // OpenTelemetry (router/README.md, "OpenTelemetry").
          env: {
            ...env,
            OTEL_SERVICE_NAME: "hero_router",
            ...(process.env.OTEL_EXPORTER_OTLP_ENDPOINT ? { OTEL_DENO: "true" } : {}),
          },
          // Each start period is generous: a busy 2-core machine took over 10 s to load a
          // service, and a service that answers sooner is ready sooner anyway.
          health: {
            socket: `${opts.socketRoot}/hero_router/rpc.sock`,
            interval_ms: 2000,
            start_period_ms: 30000,
          },
          restart: { policy: "always", delay_ms: 500 },
        },
      },
    },
    {
      name: "notes",
      description: "Example: a notes store with full-text search (SQLite)",
      actions: {
        server: {
          exec: [
            process.execPath,
            "--disable-warning=ExperimentalWarning",
            path.join(REPO, "examples/notes/main.ts"),
            "run",
          ],
          env: { ...env, ...(opts.notesDb ? { NOTES_DB: opts.notesDb } : {}) },
          health: {
            socket: `${opts.socketRoot}/notes/rpc.sock`,
            interval_ms: 2000,
            start_period_ms: 30000,
          },
          restart: { policy: "on-failure", delay_ms: 500 },
        },
      },
    },
    {
      name: "browser",
      description: "Browser automation (Chromium, started on the first call)",
      actions: {
        server: {
          exec: [
            process.execPath,
            "--disable-warning=ExperimentalWarning",
            path.join(REPO, "browser/main.ts"),
            "run",
          ],
          env,
          health: {
            socket: `${opts.socketRoot}/browser/rpc.sock`,
            interval_ms: 2000,
            start_period_ms: 30000,
          },
          restart: { policy: "on-failure", delay_ms: 500 },
        },
      },
    },
    {
      name: "heartbeat",
      description: "Example: writes a log line every 2 s (watch it in the live tail)",
      actions: {
        beat: {
          exec: 'i=0; while true; do i=$((i+1)); echo "beat $i: all good"; ' +
            'if [ $((i % 5)) -eq 1 ]; then echo "beat $i: stretching (every fifth beat)" >&2; fi; ' +
            "sleep 2; done",
          restart: { policy: "always", delay_ms: 1000 },
        },
      },
    },
  ];
}

/** hero_auth's service definition: issuer under the router's origin, database `db`. */
export function authService(opts: { socketRoot: string; origin: string; db: string }) {
  const port = new URL(opts.origin).port;
  return {
    name: "hero_auth",
    description: "Single sign-on: OpenID Connect provider, users, groups, passkeys",
    after: ["hero_router"],
    actions: {
      serve: {
        exec: [
          process.execPath,
          ...AUTH_NODE_FLAGS,
          path.join(REPO, "auth/main.ts"),
          "run",
          "--issuer",
          `http://localhost:${port}/hero_auth/web_oidc`,
          "--db",
          opts.db,
        ],
        env: {
          PATH_SOCKET: opts.socketRoot,
          ...authNodeEnv(path.join(path.dirname(opts.db), "node-compile-cache")),
        },
        health: {
          socket: `${opts.socketRoot}/hero_auth/rpc.sock`,
          interval_ms: 2000,
          start_period_ms: 30000,
        },
        restart: { policy: "always", delay_ms: 500 },
      },
    },
  };
}

/** hero_collab's service definition: after hero_auth (users sign in through the router). */
export function collabService(opts: { socketRoot: string; dataDir?: string }) {
  return {
    name: "hero_collab",
    description: "Group communication: channels, threads, search, live web client, WebDAV export",
    after: ["hero_router", "hero_auth"],
    actions: {
      serve: {
        exec: [
          process.execPath,
          "--disable-warning=ExperimentalWarning",
          path.join(REPO, "collab/main.ts"),
          "run",
          ...(opts.dataDir ? ["--data-dir", opts.dataDir] : []),
        ],
        env: { PATH_SOCKET: opts.socketRoot },
        health: {
          socket: `${opts.socketRoot}/hero_collab/rpc.sock`,
          interval_ms: 2000,
          start_period_ms: 30000,
        },
        restart: { policy: "on-failure", delay_ms: 500 },
      },
    },
  };
}

/** Options for a whole system kept under one directory on a free loopback port (tests). */
export function systemIn(dir: string): SystemOptions {
  return {
    socketRoot: path.join(dir, "sockets"),
    stateDir: path.join(dir, "state"),
    configDir: path.join(dir, "cfg"),
    bind: "127.0.0.1:0",
    notesDb: path.join(dir, "notes.db"),
  };
}

/** Starts hero_proc and its services; resolves once the router answers. */
export async function startSystem(opts: SystemOptions = {}): Promise<RunningSystem> {
  const paths = resolvePaths({
    socketDir: opts.socketRoot,
    stateDir: opts.stateDir,
    configDir: opts.configDir,
  });
  process.env.PATH_SOCKET = paths.socketRoot;
  const token = await loadAdminToken(paths.socketRoot, (k) => process.env[k]);
  const readToken = await loadReadToken(paths.socketRoot, (k) => process.env[k]);
  const daemon = await serveDaemon(paths);
  const rpc = new RpcClient(paths.rpcSocket, { timeoutMs: 60_000 });
  try {
    const bind = opts.bind ?? "127.0.0.1:9988";
    for (
      const service of systemServices({ socketRoot: paths.socketRoot, bind, notesDb: opts.notesDb })
    ) {
      await rpc.call("service.set", { service });
    }
    // Each service must come up; the first one that crashes ends the wait with its own words.
    const call = <R>(m: string, p?: Record<string, unknown>) => rpc.call<R>(m, p);
    const advice = portInUseAdvice("HERO_BIND", `HERO_BIND=127.0.0.1:${nextPort(bind)} npm start`);
    for (const name of ["hero_router", "notes", "browser", "heartbeat"]) {
      await startAndWait(call, name, { timeoutMs: 45_000, advice, moreHint: false });
    }
    const router = new RpcClient(`${paths.socketRoot}/hero_router/rpc.sock`);
    const health = await router.call<{ tcpListeners: string[] }>("router.health").finally(() =>
      router.close()
    );
    const origin = `http://${health.tcpListeners[0] ?? bind}`;
    // hero_auth's issuer is the router's address, known once the router listens.
    const authDb = opts.authDb ?? path.join(path.dirname(paths.stateDir), "hero_auth", "auth.db");
    await rpc.call("service.set", {
      service: authService({ socketRoot: paths.socketRoot, origin, db: authDb }),
    });
    await startAndWait(call, "hero_auth", { timeoutMs: 45_000, advice, moreHint: false });
    const collabData = opts.collabDir ?? path.join(path.dirname(paths.stateDir), "hero_collab");
    await rpc.call("service.set", {
      service: collabService({ socketRoot: paths.socketRoot, dataDir: collabData }),
    });
    await startAndWait(call, "hero_collab", { timeoutMs: 45_000, advice, moreHint: false });
    return {
      daemon,
      socketRoot: paths.socketRoot,
      origin,
      token,
      readToken,
      close: () => daemon.close(),
    };
  } catch (err) {
    await daemon.close();
    throw err;
  } finally {
    rpc.close();
  }
}

/** A one-time setup link for hero_auth's owner while it has no password and no passkey. */
export async function ownerSetupLink(socketRoot: string): Promise<string | undefined> {
  const auth = new RpcClient(`${socketRoot}/hero_auth/rpc.sock`);
  try {
    const users = await auth.call<
      { id: string; is_owner: boolean; has_password: boolean; passkeys: number }[]
    >(
      "users.list",
      {},
    );
    const owner = users.find((u) => u.is_owner);
    if (!owner || owner.has_password || owner.passkeys > 0) return undefined;
    return (await auth.call<{ url: string }>("users.setup_link", { id: owner.id })).url;
  } finally {
    auth.close();
  }
}

/** The port after the one in `bind` (a suggestion for HERO_BIND). */
function nextPort(bind: string): number {
  const port = Number(bind.slice(bind.lastIndexOf(":") + 1));
  return port > 0 && port < 65535 ? port + 1 : 9989;
}

async function main(): Promise<void> {
  const bind = process.env.HERO_BIND ?? "127.0.0.1:9988";
  console.log("Starting hero_proc, hero_router and the examples…");
  const system = await startSystem({ bind });
  // hero_auth's issuer (and so its sign-in cookies) lives on localhost: passkeys need a name.
  const signIn = system.origin.replace("127.0.0.1", "localhost");
  console.log(`
  Hero is running.

  Dashboard        ${system.origin}/?token=${system.token}
  Read-only link   ${system.origin}/?token=${system.readToken}
  Sign in          ${signIn}/   (hero_auth accounts: users, groups, passkeys, TOTP)
  hero_proc admin  ${signIn}/hero_proc/admin/
  hero_auth admin  ${signIn}/hero_auth/admin/   (issuer ${signIn}/hero_auth/web_oidc)
  hero_collab      ${signIn}/hero_collab/admin/
  MCP endpoint     ${signIn}/mcp   (OAuth through hero_auth, or Bearer <admin token>)
  Sockets          ${system.socketRoot}

  Press Ctrl-C to stop everything.
`);
  const setup = await ownerSetupLink(system.socketRoot).catch(() => undefined);
  if (setup) console.log(`  First start: set up the owner account at ${setup}\n`);
  await system.daemon.closed;
  console.log("Everything stopped.");
  process.exit(0);
}

if (import.meta.main) {
  main().catch((err) => {
    const message = (err as Error).message;
    console.error(message.startsWith("Cannot start") ? message : `Cannot start Hero: ${message}`);
    process.exit(1);
  });
}
