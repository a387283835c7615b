/**
 * Where sockets live: the root (`$PATH_SOCKET`, alias `$HERO_SOCKET_DIR`, default
 * `~/hero/var/sockets`), one directory per service, and a fixed file name per socket role.
 */
import { HeroError } from "../errors/hero_error.ts";
import { validateServiceName } from "./service_name.ts";

/**
 * The environment lookup and home directory that root resolution depends on.
 *
 * @example
 * ```ts
 * import { resolveSocketRoot, type SocketRootSource } from "@hero/sdk";
 * const source: SocketRootSource = { env: () => undefined, homeDir: "/home/me" };
 * resolveSocketRoot(source); // "/home/me/hero/var/sockets"
 * ```
 */
export interface SocketRootSource {
  /** Reads an environment variable (`PATH_SOCKET`, `HERO_SOCKET_DIR`). */
  env: (name: string) => string | undefined;
  /** The user's home directory ("" when unknown). */
  homeDir: string;
}

/**
 * Resolves the socket root from the environment, falling back to `~/hero/var/sockets`.
 *
 * @example
 * ```ts
 * import process from "node:process";
 * import { resolveSocketRoot } from "@hero/sdk";
 * const root = resolveSocketRoot({ env: (name) => process.env[name], homeDir: "/home/me" });
 * // "$PATH_SOCKET" if set, else "/home/me/hero/var/sockets"
 * ```
 */
export function resolveSocketRoot(source: SocketRootSource): string {
  const fromEnv = source.env("PATH_SOCKET") || source.env("HERO_SOCKET_DIR");
  if (fromEnv) return stripTrailingSlash(fromEnv);
  if (!source.homeDir) {
    throw new HeroError("NO_SOCKET_ROOT", "Cannot find the socket root: set PATH_SOCKET or HOME");
  }
  return `${stripTrailingSlash(source.homeDir)}/hero/var/sockets`;
}

/**
 * The socket files of one service.
 *
 * @example
 * ```ts
 * import { type ServiceSocketPaths, serviceSocketPaths } from "@hero/sdk";
 * const paths: ServiceSocketPaths = serviceSocketPaths("/run/hero", "notes");
 * paths.web("board"); // "/run/hero/notes/web_board.sock"
 * ```
 */
export interface ServiceSocketPaths {
  /** `<root>/<service>` — created with mode 0700. */
  dir: string;
  /** `<dir>/rpc.sock`: JSON-RPC, the OpenRPC document, health and manifest. */
  rpc: string;
  /** `<dir>/admin.sock`: the service's admin UI. */
  admin: string;
  /** `<dir>/rest.sock`: a REST view of the service. */
  rest: string;
  /** `<dir>/openapi.sock`: an OpenAPI view of the service. */
  openapi: string;
  /** `<root>/<service>/web_<name>.sock`. */
  web: (name: string) => string;
}

/**
 * Returns the socket paths of `service` under `root` (the name is validated).
 *
 * @example
 * ```ts
 * import { serviceSocketPaths } from "@hero/sdk";
 * serviceSocketPaths("/run/hero", "notes").rpc; // "/run/hero/notes/rpc.sock"
 * ```
 */
export function serviceSocketPaths(root: string, service: string): ServiceSocketPaths {
  validateServiceName(service);
  const dir = `${stripTrailingSlash(root)}/${service}`;
  return {
    dir,
    rpc: `${dir}/rpc.sock`,
    admin: `${dir}/admin.sock`,
    rest: `${dir}/rest.sock`,
    openapi: `${dir}/openapi.sock`,
    web: (name: string) => {
      if (!/^[a-z0-9_]+$/.test(name)) {
        throw new HeroError(
          "INVALID_WEB_NAME",
          `Invalid web socket name "${name}": use a-z, 0-9, _`,
        );
      }
      return `${dir}/web_${name}.sock`;
    },
  };
}

/** The role of a socket, derived from its file name. */
export type SocketKind = "rpc" | "admin" | "rest" | "openapi" | "web" | "other";

/** Classifies a socket by file name (`rpc.sock`, `admin.sock`, `web_<name>.sock`, ...). */
export function classifySocket(fileName: string): SocketKind {
  switch (fileName) {
    case "rpc.sock":
      return "rpc";
    case "admin.sock":
      return "admin";
    case "rest.sock":
      return "rest";
    case "openapi.sock":
      return "openapi";
  }
  return /^web_[a-z0-9_]+\.sock$/.test(fileName) ? "web" : "other";
}

function stripTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.replace(/\/+$/, "") : path;
}
