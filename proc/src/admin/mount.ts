/**
 * Wires the admin UI into the hero_proc daemon: calls go to the daemon's own API in-process,
 * logs are read from the supervisor's store once it is open, the token comes from the shared
 * admin session file. Kept apart so the daemon only adds a few lines.
 */
import process from "node:process";
import type { RpcApi } from "@hero/sdk";
import { loadAdminToken } from "../../../ui/session/admin_session.ts";
import type { Supervisor } from "../supervisor/supervisor.ts";
import { SqliteLogReader } from "./log_reader.ts";
import { hasLogApi, RpcLogReader } from "./rpc_log_reader.ts";
import { createProcAdmin, type ProcAdmin } from "./proc_admin.ts";

/** Builds the admin for a daemon whose supervisor may still be opening. */
export async function adminForDaemon(
  api: RpcApi,
  sup: () => Supervisor,
  socketRoot: string,
): Promise<ProcAdmin> {
  const call = (method: string, params?: Record<string, unknown>) =>
    api.call(method, params ?? {}, { method, signal: AbortSignal.timeout(60_000) });
  let reader: SqliteLogReader | undefined;
  const table =
    () => (reader ??= new SqliteLogReader(sup().store.db, () => sup().ctx.sink.flush()));
  return createProcAdmin({
    call,
    // The log store's API when the daemon has it, else the supervisor's simple `logs` table.
    logs: hasLogApi(api.methodNames)
      ? new RpcLogReader(call)
      : { tree: () => table().tree(), query: (f) => table().query(f) },
    token: await loadAdminToken(socketRoot, (k) => process.env[k]),
  });
}
