/**
 * The `--bind ADDR:PORT` grammar: `:9988` (loopback shorthand), `0.0.0.0:9988`, `[::1]:9988`,
 * `[::]:9989`, and the legacy `--address`/`--port` pair. Bad input is refused with a sentence
 * that says what would have been accepted.
 */
import { HeroError } from "@hero/sdk";
import { isIpLiteral } from "./ip_address.ts";

/** The default TCP port of hero_router. */
export const DEFAULT_PORT = 9988;

/** One TCP listener to open. */
export interface BindTarget {
  /** IP literal without brackets (`127.0.0.1`, `::1`). */
  hostname: string;
  /** TCP port; 0 asks the system for a free one. */
  port: number;
}

/** Parses one `--bind` value. */
export function parseBind(spec: string): BindTarget {
  const bad = (why: string) =>
    new HeroError(
      "INVALID_BIND",
      `Invalid --bind "${spec}": ${why} (use :9988, 0.0.0.0:9988 or [::1]:9988)`,
    );
  let host: string;
  let portText: string;
  if (spec.startsWith("[")) {
    const close = spec.indexOf("]");
    if (close < 0 || spec[close + 1] !== ":") throw bad("an IPv6 address needs [ADDR]:PORT");
    host = spec.slice(1, close);
    portText = spec.slice(close + 2);
    if (!isIpLiteral(host) || !host.includes(":")) throw bad(`"${host}" is not an IPv6 address`);
  } else {
    const colon = spec.lastIndexOf(":");
    if (colon < 0) throw bad("the port is missing");
    host = spec.slice(0, colon);
    portText = spec.slice(colon + 1);
    if (host.includes(":")) throw bad("write IPv6 addresses in brackets");
    if (host === "") host = "127.0.0.1";
    else if (host === "localhost") host = "127.0.0.1";
    else if (!isIpLiteral(host)) throw bad(`"${host}" is not an IP address`);
  }
  return { hostname: host, port: parsePort(portText, () => bad(`"${portText}" is not a port`)) };
}

/** Parses a TCP port number (0-65535). */
export function parsePort(text: string, error?: () => Error): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw error?.() ?? new HeroError("INVALID_PORT", `Invalid port "${text}": use 0-65535`);
  }
  return port;
}

/** Formats a target as it would be written on the command line. */
export function formatBind(target: BindTarget): string {
  return target.hostname.includes(":")
    ? `[${target.hostname}]:${target.port}`
    : `${target.hostname}:${target.port}`;
}

/** How the listeners were asked for on the command line. */
export interface BindRequest {
  /** Every `--bind` value. */
  binds: string[];
  /** Legacy `--port`. */
  port?: string;
  /** Legacy `--address`. */
  address?: string;
}

/**
 * The listeners to open, or `undefined` when the address must come from the resolution chain
 * (then `defaultPort` says which port to use). Legacy `--port 0` without `--address` means no
 * TCP listener at all.
 */
export function planBinds(req: BindRequest): { targets?: BindTarget[]; defaultPort: number } {
  if (req.binds.length > 0) {
    if (req.port !== undefined || req.address !== undefined) {
      throw new HeroError(
        "INVALID_BIND",
        "Use either --bind or the legacy --address/--port, not both",
      );
    }
    return { targets: req.binds.map(parseBind), defaultPort: DEFAULT_PORT };
  }
  const port = req.port === undefined ? DEFAULT_PORT : parsePort(req.port);
  if (req.address === undefined) {
    if (req.port !== undefined && port === 0) return { targets: [], defaultPort: 0 };
    return { defaultPort: port };
  }
  const address = req.address === "localhost" ? "127.0.0.1" : req.address;
  if (!isIpLiteral(address)) {
    throw new HeroError("INVALID_BIND", `Invalid --address "${req.address}": not an IP address`);
  }
  return { targets: [{ hostname: address, port }], defaultPort: port };
}
