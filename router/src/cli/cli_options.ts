/**
 * The hero_router command line: `serve`, `list`, `scan`, `spec SERVICE`, and their flags,
 * parsed with `node:util` parseArgs into one options object. Unknown flags and bad values are
 * refused with a sentence naming the flag.
 */
import { parseArgs } from "node:util";
import { HeroError, parseDuration } from "@hero/sdk";
import { parsePeerFlag, type PeerSpec } from "../federation/peer_config.ts";

/** The subcommands. */
export type Command = "serve" | "list" | "scan" | "spec" | "help";

/** Parsed command line. */
export interface CliOptions {
  command: Command;
  /** `spec SERVICE`. */
  service?: string;
  binds: string[];
  port?: string;
  address?: string;
  socketDir?: string;
  scanIntervalMs: number;
  probeTimeoutMs: number;
  manualSources?: string;
  /** CIDRs; undefined means the default (loopback plus the bound addresses). */
  whitelist?: string[];
  allowedHosts: string[];
  /** `--peer NAME=URL`. */
  peers: PeerSpec[];
  json: boolean;
  logLevel: "debug" | "info" | "warn" | "error";
  /** Event loops accepting TCP connections (`--front-loops`; 1 = the main loop only). */
  frontLoops: number;
}

/** The help text. */
export const USAGE = `hero_router — finds Hero services by their sockets, checks and proxies them

Usage:
  hero_router serve [flags]      run the router (rpc.sock, admin.sock, TCP)
  hero_router list [--json]      list services (from the running router, else a one-off scan)
  hero_router scan [--json]      rescan now and list services
  hero_router spec SERVICE [--json]   show a service's OpenRPC document

Flags:
  --bind ADDR:PORT        TCP listener, repeatable (:9988, 0.0.0.0:9988, [::1]:9988)
  --port N, --address IP  legacy form of --bind; --port 0 alone disables TCP
  --socket-dir DIR        socket root (default $PATH_SOCKET, $HERO_SOCKET_DIR, ~/hero/var/sockets)
  --scan-interval DUR     periodic full rescan (default 30s; 0 disables)
  --probe-timeout DUR     deadline of one service's probe (default 3s)
  --manual-sources FILE   pinned non-socket services (default ~/hero/router/manual_sources.json)
  --whitelist CIDR        TCP peers allowed, repeatable or comma-separated (default loopback)
  --allow-host NAME       extra Host/Origin name accepted on TCP, repeatable
  --peer NAME=URL         federate the peer router at URL as NAME, repeatable; its token is read
                          from <manual-sources dir>/peers/NAME.token (or "peers" in that file)
  --front-loops N|auto    event loops accepting TCP connections (default 1; auto: one per
                          core, at most 4; more than 1 needs Deno's --unstable-net)
  --log-level LEVEL       debug, info, warn or error (default info)
  --json                  machine-readable output for list, scan and spec
`;

/** Parses `args` (without the program name). */
export function parseCli(args: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        bind: { type: "string", multiple: true },
        port: { type: "string" },
        address: { type: "string" },
        "socket-dir": { type: "string" },
        "scan-interval": { type: "string" },
        "probe-timeout": { type: "string" },
        "manual-sources": { type: "string" },
        whitelist: { type: "string", multiple: true },
        "allow-host": { type: "string", multiple: true },
        peer: { type: "string", multiple: true },
        "log-level": { type: "string" },
        "front-loops": { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new HeroError("INVALID_ARGS", `${(err as Error).message}. See hero_router --help`);
  }
  const { values: v, positionals } = parsed;
  const command = (v.help ? "help" : positionals[0] ?? "help") as Command;
  if (!["serve", "list", "scan", "spec", "help"].includes(command)) {
    throw new HeroError("INVALID_ARGS", `Unknown command "${command}". See hero_router --help`);
  }
  const maxPositionals = command === "spec" ? 2 : 1;
  if (command === "spec" && !positionals[1]) {
    throw new HeroError("INVALID_ARGS", "spec needs a service name: hero_router spec SERVICE");
  }
  if (positionals.length > maxPositionals) {
    throw new HeroError("INVALID_ARGS", `Unexpected argument "${positionals[maxPositionals]}"`);
  }
  const level = v["log-level"] ?? "info";
  if (!["debug", "info", "warn", "error"].includes(level)) {
    throw new HeroError(
      "INVALID_ARGS",
      `Invalid --log-level "${level}": use debug, info, warn or error`,
    );
  }
  const probeTimeoutMs = parseDuration(v["probe-timeout"] ?? "3s", "--probe-timeout");
  if (probeTimeoutMs <= 0) {
    throw new HeroError("INVALID_ARGS", "Invalid --probe-timeout: it must be more than 0");
  }
  return {
    frontLoops: frontLoopsOf(v["front-loops"] ?? "1"),
    command,
    service: command === "spec" ? positionals[1] : undefined,
    binds: v.bind ?? [],
    port: v.port,
    address: v.address,
    socketDir: v["socket-dir"],
    scanIntervalMs: parseDuration(v["scan-interval"] ?? "30s", "--scan-interval"),
    probeTimeoutMs,
    manualSources: v["manual-sources"],
    whitelist: v.whitelist?.flatMap((w) => w.split(",").map((s) => s.trim()).filter(Boolean)),
    allowedHosts: v["allow-host"] ?? [],
    peers: (v.peer ?? []).map((flag) => {
      const spec = parsePeerFlag(flag);
      if (typeof spec === "string") throw new HeroError("INVALID_ARGS", `Invalid ${spec}`);
      return spec;
    }),
    json: v.json ?? false,
    logLevel: level as CliOptions["logLevel"],
  };
}

/** Most loops `auto` picks: past that, loops compete with the services for the cores. */
const AUTO_LOOPS_MAX = 4;

/** `--front-loops`: a count from 1 to 64, or `auto` (one per core, at most 4). */
function frontLoopsOf(text: string): number {
  if (text === "auto") {
    return Math.max(1, Math.min(AUTO_LOOPS_MAX, navigator.hardwareConcurrency || 1));
  }
  const n = /^\d{1,2}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 64)) {
    throw new HeroError(
      "INVALID_ARGS",
      `Invalid --front-loops "${text}": use a number from 1 to 64, or auto`,
    );
  }
  return n;
}
