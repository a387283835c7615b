/**
 * The CLI's connection to the daemon, turning transport failures into advice: "hero_proc is
 * not running ... start it with `hero_proc start`".
 */
import { HeroError, RpcClient, RpcError } from "@hero/sdk";
import { procNotRunning } from "@hero/sdk/internal";
import type { ProcPaths } from "../daemon/paths.ts";

/** A user-facing CLI failure with an exit code. */
export class CliError extends Error {
  /** Process exit code. */
  readonly exitCode: number;
  /** Creates a failure; the message is printed as is. */
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** A daemon message in the CLI's words: no RPC method or parameter-schema jargon. */
export function cliWords(message: string): string {
  return message.replace(/^Invalid params for "[^"]+": /, "Bad option: ");
}

/** Calls one method on the daemon. */
export async function callDaemon<R>(
  paths: ProcPaths,
  method: string,
  params: Record<string, unknown> = {},
  timeoutMs = 60_000,
): Promise<R> {
  const client = new RpcClient(paths.rpcSocket, { timeoutMs });
  try {
    return await client.call<R>(method, params);
  } catch (err) {
    const down = procNotRunning(err, paths.rpcSocket);
    if (down) throw new CliError(down.message, 3);
    if (err instanceof HeroError && err.code === "CONNECTION_FAILED") {
      // The daemon went away while it was working on the call (it died or was killed).
      throw new CliError(
        `hero_proc stopped answering during ${method} (${err.message}): it may have died ` +
          `before finishing; check with: hero_proc list`,
      );
    }
    if (err instanceof HeroError && err.code === "TIMEOUT") {
      throw new CliError(
        `hero_proc did not finish ${method} within ${Math.round(timeoutMs / 1000)} s; ` +
          `check with: hero_proc list`,
      );
    }
    if (err instanceof RpcError) throw new CliError(cliWords(err.message));
    throw err;
  } finally {
    client.close();
  }
}
