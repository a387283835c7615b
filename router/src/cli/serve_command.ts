/**
 * `hero_router serve`: resolves the socket root and the TCP listeners (through the bind address
 * chain when `--bind` is absent, logging the chosen source at INFO), starts the router and runs
 * until SIGINT/SIGTERM, then closes everything and removes its sockets.
 */
import { resolveSocketRoot } from "@hero/sdk";
import { createLogger, type Logger } from "../log/logger.ts";
import { loadAdminToken, loadReadToken, loadToken } from "../../../ui/session/admin_session.ts";
import { RouterLogRing } from "../dashboard/log_ring.ts";
import { denoBindAddressSources, resolveBindAddress } from "../net/bind_address.ts";
import { type BindTarget, planBinds } from "../net/bind_spec.ts";
import { RouterApp } from "../server/router_app.ts";
import type { CliOptions } from "./cli_options.ts";
import { loadPeerEntries, type PeerConfig, resolvePeers } from "../federation/peer_config.ts";

/** The socket root from `--socket-dir` or the environment. */
export function socketRootOf(opts: CliOptions): string {
  return opts.socketDir?.replace(/\/+$/, "") ||
    resolveSocketRoot({ env: (k) => Deno.env.get(k), homeDir: Deno.env.get("HOME") ?? "" });
}

/** The manual_sources.json path from `--manual-sources` or the default. */
export function manualSourcesOf(opts: CliOptions): string | undefined {
  if (opts.manualSources) return opts.manualSources;
  const home = Deno.env.get("HOME");
  return home ? `${home}/hero/router/manual_sources.json` : undefined;
}

/**
 * Builds (but does not start) the router the command line describes; extra routes (e.g. the
 * MCP gateway) can be mounted on the result before it starts.
 */
export async function createRouterApp(
  opts: CliOptions,
  logger: Logger,
  logs?: RouterLogRing,
): Promise<RouterApp> {
  const plan = planBinds({ binds: opts.binds, port: opts.port, address: opts.address });
  let binds: BindTarget[];
  if (plan.targets) binds = plan.targets;
  else {
    const chosen = await resolveBindAddress(denoBindAddressSources());
    for (const s of chosen.skipped) logger.warn(`bind address: ignored ${s}`);
    logger.info(`bind address ${chosen.address} ${chosen.detail} (source: ${chosen.source})`);
    binds = [{ hostname: chosen.address, port: plan.defaultPort }];
  }
  const root = socketRootOf(opts);
  const env = (k: string) => Deno.env.get(k);
  const peers = await peersOf(opts, logger);
  return new RouterApp({
    peers,
    socketRoot: root,
    binds,
    tokens: { admin: await loadAdminToken(root, env), read: await loadReadToken(root, env) },
    cookieSecret: await loadToken(root, env, {
      envName: "HERO_ROUTER_COOKIE_KEY",
      file: "router_cookie_key",
    }),
    logs,
    whitelist: opts.whitelist,
    frontLoops: opts.frontLoops,
    allowedHosts: opts.allowedHosts,
    probeTimeoutMs: opts.probeTimeoutMs,
    scanIntervalMs: opts.scanIntervalMs,
    manualSourcesPath: manualSourcesOf(opts),
    logger,
  });
}

/** Runs the router until a shutdown signal; resolves with the exit code. */
export async function serveCommand(opts: CliOptions): Promise<number> {
  const logs = new RouterLogRing();
  const logger = logs.wrap(createLogger({ level: opts.logLevel }));
  const app = await createRouterApp(opts, logger, logs);
  await app.start();
  logger.info("ready");
  const signal = await new Promise<string>((resolve) => {
    const on = (name: Deno.Signal) => () => resolve(name);
    Deno.addSignalListener("SIGINT", on("SIGINT"));
    Deno.addSignalListener("SIGTERM", on("SIGTERM"));
  });
  logger.info(`${signal}: shutting down`);
  await app.close();
  return 0;
}

/** The peers from `--peer` and manual_sources.json; bad ones are logged and left out. */
async function peersOf(opts: CliOptions, logger: Logger): Promise<PeerConfig[]> {
  const manual = manualSourcesOf(opts);
  const fromFile = manual ? await loadPeerEntries(manual) : { peers: [], problems: [] };
  const resolved = await resolvePeers([...opts.peers, ...fromFile.peers], manual);
  for (const p of [...fromFile.problems, ...resolved.problems]) logger.warn(`federation: ${p}`);
  return resolved.peers;
}
