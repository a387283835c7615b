/**
 * Makes a socket path ready to bind: a stale socket file (nobody listening) is removed, a live
 * one is refused with an error naming the process that holds it, and anything that is not a
 * socket is never deleted.
 */
import { HeroError } from "../errors/hero_error.js";
                                                   
import { describeSocketHolder } from "./socket_holder.js";

/** Clears `path` for binding, or throws `SOCKET_IN_USE` / `SOCKET_PATH_TAKEN`. */
export async function claimSocketPath(
  path        ,
  runtime         ,
  owner        ,
)                {
  const info = await runtime.lstat(path);
  if (!info) return;
  if (!info.isSocket) {
    throw new HeroError(
      "SOCKET_PATH_TAKEN",
      `Cannot start "${owner}": ${path} exists and is not a socket; remove it by hand`,
      { details: { path } },
    );
  }
  if (await runtime.canConnect(path)) {
    const holder = await describeSocketHolder(path, runtime);
    const who = holder ? ` by ${holder}` : " by another process";
    throw new HeroError(
      "SOCKET_IN_USE",
      `Cannot start "${owner}": ${path} is in use${who}; stop it first`,
      { details: { path, holder } },
    );
  }
  await runtime.removeFile(path);
}
