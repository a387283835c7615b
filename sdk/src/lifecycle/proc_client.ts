/**
 * The lifecycle's connection to hero_proc: calls that turn "nothing listens on the socket"
 * into one actionable sentence instead of a stack trace.
 */
import { RpcClient } from "../client/rpc_client.ts";
import { HeroError } from "../errors/hero_error.ts";
import type { Runtime } from "../runtime/types.ts";
import { serviceSocketPaths } from "../socket/paths.ts";

/** Socket errors that mean nothing listens (as opposed to a daemon dying mid-call). */
const NOBODY_LISTENS = new Set(["ENOENT", "ECONNREFUSED"]);

/**
 * The one "hero_proc is not running" error (`HERO_PROC_NOT_RUNNING`) when `err` says nothing
 * listens on `socket`, or undefined for any other failure (which the caller reports its own way).
 */
export function procNotRunning(err: unknown, socket: string): HeroError | undefined {
  if (!(err instanceof HeroError) || err.code !== "CONNECTION_FAILED") return undefined;
  const code = (err.cause as { code?: unknown } | undefined)?.code;
  if (typeof code === "string" && !NOBODY_LISTENS.has(code)) return undefined;
  return new HeroError(
    "HERO_PROC_NOT_RUNNING",
    `hero_proc is not running (nothing answers on ${socket}).\nStart it with: hero_proc start`,
    { cause: err },
  );
}

/** A client of hero_proc's rpc.sock under `socketRoot`. */
export class ProcClient {
  readonly socket: string;
  readonly #client: RpcClient;

  /** Connects lazily. */
  constructor(socketRoot: string, runtime?: Runtime) {
    this.socket = serviceSocketPaths(socketRoot, "hero_proc").rpc;
    this.#client = new RpcClient(this.socket, { runtime, timeoutMs: 30_000 });
  }

  /** Calls a hero_proc method; an unreachable daemon becomes HERO_PROC_NOT_RUNNING. */
  async call<R>(
    method: string,
    params: Record<string, unknown> = {},
    timeoutMs?: number,
  ): Promise<R> {
    try {
      return await this.#client.call<R>(method, params, { timeoutMs });
    } catch (err) {
      throw procNotRunning(err, this.socket) ?? err;
    }
  }

  /** Releases the connection. */
  close(): void {
    this.#client.close();
  }
}
