/**
 * The CLI's connection to the daemon, turning transport failures into advice: "hero_proc is
 * not running ... start it with `hero_proc start`".
 */
import { HeroError, RpcClient, RpcError } from "../../sdk/mod.js";
                                                    

/** A user-facing CLI failure with an exit code. */
export class CliError extends Error {
  /** Process exit code. */
           exitCode        ;
  /** Creates a failure; the message is printed as is. */
  constructor(message        , exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** Calls one method on the daemon. */
export async function callDaemon   (
  paths           ,
  method        ,
  params                          = {},
  timeoutMs = 60_000,
)             {
  const client = new RpcClient(paths.rpcSocket, { timeoutMs });
  try {
    return await client.call   (method, params);
  } catch (err) {
    if (err instanceof HeroError && err.code === "CONNECTION_FAILED") {
      throw new CliError(
        `hero_proc is not running (no daemon at ${paths.rpcSocket}).\nStart it with: hero_proc start`,
      );
    }
    if (err instanceof RpcError) throw new CliError(err.message);
    throw err;
  } finally {
    client.close();
  }
}
