/**
 * `list`, `scan` and `spec SERVICE`: ask the running router over its rpc.sock; when no router
 * is running, do a one-off scan of the socket root instead (and say so on stderr).
 */
import { isHeroError, RpcClient, type RpcError } from "@hero/sdk";
import { Discovery } from "../discovery/discovery.ts";
import type { ServiceEntry } from "../discovery/service_entry.ts";
import { ServiceRegistry } from "../discovery/service_registry.ts";
import { silentLogger } from "../log/logger.ts";
import type { CliOptions } from "./cli_options.ts";
import { manualSourcesOf, socketRootOf } from "./serve_command.ts";

/** Where answers come from: the running router, or a local one-off scan. */
interface Source {
  services(rescan: boolean): Promise<ServiceEntry[]>;
  openrpc(name: string): Promise<unknown>;
  close(): void;
}

/** Runs `list`, `scan` or `spec`; resolves with the exit code. */
export async function queryCommand(opts: CliOptions, out: (s: string) => void): Promise<number> {
  const source = await openSource(opts);
  try {
    if (opts.command === "spec") {
      const doc = await source.openrpc(opts.service!);
      if (doc === undefined) {
        console.error(`hero_router: no service "${opts.service}"`);
        return 1;
      }
      if (doc === null) {
        console.error(`hero_router: service "${opts.service}" has no OpenRPC document`);
        return 1;
      }
      out(opts.json ? JSON.stringify(doc, null, 2) : describeDocument(doc));
      return 0;
    }
    const services = await source.services(opts.command === "scan");
    out(opts.json ? JSON.stringify(services, null, 2) : table(services));
    return 0;
  } finally {
    source.close();
  }
}

async function openSource(opts: CliOptions): Promise<Source> {
  const root = socketRootOf(opts);
  const rpc = new RpcClient(`${root}/hero_router/rpc.sock`, { timeoutMs: 30_000 });
  try {
    await rpc.call("router.health", {}, { timeoutMs: 2000 });
    return {
      services: async (rescan) => {
        if (rescan) await rpc.call("router.scan");
        return await rpc.call<ServiceEntry[]>("router.services");
      },
      openrpc: async (name) => {
        try {
          return await rpc.call("router.openrpc", { name });
        } catch (err) {
          if ((err as RpcError).code === -32010) return undefined;
          throw err;
        }
      },
      close: () => rpc.close(),
    };
  } catch (err) {
    rpc.close();
    if (!isHeroError(err)) throw err;
  }
  console.error(`hero_router: no router running under ${root}; scanning once`);
  const registry = new ServiceRegistry();
  const discovery = new Discovery({
    root,
    registry,
    logger: silentLogger,
    watch: false,
    scanIntervalMs: 0,
    probeTimeoutMs: opts.probeTimeoutMs,
    manualSourcesPath: manualSourcesOf(opts),
  });
  await discovery.scanAll();
  return {
    services: () => Promise.resolve(registry.list().map((r) => r.entry)),
    openrpc: (name) => {
      const r = registry.get(name);
      return Promise.resolve(r ? r.openrpc ?? null : undefined);
    },
    close: () => discovery.close(),
  };
}

function table(services: ServiceEntry[]): string {
  if (services.length === 0) return "no services found";
  const rows = services.map((s) => [
    s.name,
    s.health,
    s.version || "-",
    String(s.methodCount),
    s.source === "manual" ? s.url ?? "" : s.sockets.map((k) => k.name).join(","),
  ]);
  const head = ["SERVICE", "HEALTH", "VERSION", "METHODS", "SOCKETS"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd())
    .join("\n");
}

function describeDocument(doc: unknown): string {
  const d = doc as {
    info?: { title?: string; version?: string };
    methods?: { name: string; summary?: string }[];
  };
  const lines = [`${d.info?.title ?? "?"} ${d.info?.version ?? ""}`.trim()];
  for (const m of d.methods ?? []) lines.push(`  ${m.name}${m.summary ? ` — ${m.summary}` : ""}`);
  return lines.join("\n");
}
