/**
 * Where the TCP listener binds when `--bind` is not given, in order: `HERO_MYCELIUM_IP`, then
 * `~/hero/cfg/hero_cfg.toml` `[mycelium].ipv6_address`, then the address of interface
 * `br-$USER`, then `127.0.0.1`. On provisioned multi-user pods each user's router thereby binds
 * to that user's own mycelium address without any configuration.
 */
import { parse as parseToml } from "smol-toml";
import { isIpLiteral } from "./ip_address.ts";

/** One network interface address, as `Deno.networkInterfaces()` reports it. */
export interface InterfaceAddress {
  name: string;
  address: string;
  family: "IPv4" | "IPv6";
}

/** What the resolution chain reads from the environment (injected so each step is testable). */
export interface BindAddressSources {
  env: (name: string) => string | undefined;
  homeDir: string;
  readTextFile: (path: string) => Promise<string | undefined>;
  networkInterfaces: () => InterfaceAddress[];
}

/** The chosen address and a sentence naming where it came from (logged at INFO). */
export interface ResolvedAddress {
  address: string;
  source: "HERO_MYCELIUM_IP" | "hero_cfg.toml" | "interface" | "fallback";
  detail: string;
  /** Sources that were present but unusable, with the reason (logged as warnings). */
  skipped: string[];
}

/** Runs the resolution chain. */
export async function resolveBindAddress(src: BindAddressSources): Promise<ResolvedAddress> {
  const skipped: string[] = [];
  const fromEnv = src.env("HERO_MYCELIUM_IP")?.trim();
  if (fromEnv) {
    if (isIpLiteral(fromEnv)) {
      return {
        address: fromEnv,
        source: "HERO_MYCELIUM_IP",
        detail: `from HERO_MYCELIUM_IP`,
        skipped,
      };
    }
    skipped.push(`HERO_MYCELIUM_IP="${fromEnv}" is not an IP address`);
  }
  const cfgPath = `${src.homeDir}/hero/cfg/hero_cfg.toml`;
  const cfgText = src.homeDir ? await src.readTextFile(cfgPath) : undefined;
  if (cfgText !== undefined) {
    const found = myceliumAddress(cfgText);
    if (found.address) {
      return {
        address: found.address,
        source: "hero_cfg.toml",
        detail: `from ${cfgPath} [mycelium].ipv6_address`,
        skipped,
      };
    }
    if (found.problem) skipped.push(`${cfgPath}: ${found.problem}`);
  }
  const user = src.env("USER") || src.env("LOGNAME");
  if (user) {
    const iface = `br-${user}`;
    const addrs = src.networkInterfaces().filter((a) => a.name === iface && usable(a.address));
    const pick = addrs.find((a) => a.family === "IPv6") ?? addrs[0];
    if (pick) {
      return {
        address: pick.address,
        source: "interface",
        detail: `from interface ${iface}`,
        skipped,
      };
    }
  }
  return { address: "127.0.0.1", source: "fallback", detail: "fallback to loopback", skipped };
}

/** Reads `[mycelium].ipv6_address` from hero_cfg.toml text. */
export function myceliumAddress(text: string): { address?: string; problem?: string } {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (err) {
    return { problem: `not valid TOML (${(err as Error).message.split("\n")[0]})` };
  }
  const section = doc.mycelium as Record<string, unknown> | undefined;
  const value = section?.ipv6_address;
  if (value === undefined) return {};
  if (typeof value !== "string" || !isIpLiteral(value.trim())) {
    return { problem: `[mycelium].ipv6_address ${JSON.stringify(value)} is not an IP address` };
  }
  return { address: value.trim() };
}

/** Link-local IPv6 addresses cannot be bound without a zone id, so they are skipped. */
function usable(address: string): boolean {
  return isIpLiteral(address) && !/^fe[89ab]/i.test(address);
}

/** The real sources on Deno. */
export function denoBindAddressSources(): BindAddressSources {
  return {
    env: (name) => Deno.env.get(name),
    homeDir: Deno.env.get("HOME") ?? "",
    readTextFile: (path) => Deno.readTextFile(path).catch(() => undefined),
    networkInterfaces: () =>
      Deno.networkInterfaces().map((i) => ({
        name: i.name,
        address: i.address,
        family: i.family,
      })),
  };
}
