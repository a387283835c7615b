/** `hero_proc reload`: re-reads the TOML services; every bad file is reported, the good ones load. */
import type { ProcPaths } from "../daemon/paths.ts";
import { callDaemon } from "./client.ts";
import { EXIT } from "./command_spec.ts";
import { print } from "./daemon_commands.ts";

interface ReloadResult {
  added: string[];
  updated: string[];
  removed: string[];
  errors?: { file: string; name: string; error: string }[];
}

/** Runs the reload; exit code 1 when a file could not be loaded. */
export async function reloadCommand(paths: ProcPaths, json: boolean): Promise<number> {
  const r = await callDaemon<ReloadResult>(paths, "system.reload");
  const list = (a: string[]) => a.join(", ") || "none";
  print(
    json,
    r,
    `Reloaded: added ${list(r.added)}; updated ${list(r.updated)}; removed ${list(r.removed)}`,
  );
  const errors = r.errors ?? [];
  if (!json) { for (const e of errors) console.error(`hero_proc: not loaded: ${e.error}`); }
  return errors.length ? EXIT.failed : EXIT.ok;
}
