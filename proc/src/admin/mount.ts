/**
 * Wires the admin UI into the hero_proc daemon: calls go to the daemon's own API in-process
 * (logs too, through `logs.*`), the live tail follows the log store's commits once it is open,
 * and who is calling comes from the caller HeroServer resolved (hero_router's verified
 * assertion, or the owner). Kept apart so the daemon only adds a few lines.
 *
 * The UI itself (pages, SSE, the terminal with `ws` and node-pty) is loaded on the first admin
 * request or WebSocket upgrade: most daemons never see one, and loading it up front costs about
 * 4 MB of resident memory for the daemon's whole life.
 */
import { type Caller, OWNER_CALLER, type RpcApi } from "@hero/sdk";
import { CallerVerifier } from "@hero/sdk/internal";
import type { LogStore } from "../logs/log_store.ts";
import { recordFilter } from "../logs/query/pending_lines.ts";
import type { LogFollow } from "./log_reader.ts";
import type { ProcAdmin } from "./proc_admin.ts";

/** What the admin reads from a daemon that may still be opening. */
export interface DaemonParts {
  /** The log store, once open (its commits feed the live tail). */
  logs: () => LogStore | undefined;
  socketRoot: string;
}

/** Builds the admin for a daemon whose supervisor may still be opening. */
export function adminForDaemon(api: RpcApi, parts: DaemonParts): ProcAdmin {
  const { socketRoot } = parts;
  // The terminal's WebSocket upgrade bypasses HeroServer's handler, so it verifies itself.
  const verifier = new CallerVerifier(socketRoot, "hero_proc");
  let admin: Promise<ProcAdmin> | undefined;
  let closed = false;
  // One load shared by every request that arrives while it is under way.
  const load = () => admin ??= createAdmin(api, verifier, () => closed, follower(parts.logs));
  return {
    handler: async (request, info) => await (await load()).handler(request, info),
    onUpgrade: (request, socket, head) => {
      load().then(
        (a) => a.onUpgrade(request, socket, head),
        (err) => (socket as { destroy(err?: Error): void }).destroy(err as Error),
      );
    },
    close: () => {
      closed = true;
      admin?.then((a) => a.close(), () => {});
    },
  };
}

async function createAdmin(
  api: RpcApi,
  verifier: CallerVerifier,
  isClosed: () => boolean,
  follow: LogFollow,
): Promise<ProcAdmin> {
  const [{ createProcAdmin }, { RpcLogReader }] = await Promise.all([
    import("./proc_admin.ts"),
    import("./rpc_log_reader.ts"),
  ]);
  // The UI's own calls run as whoever asked (the UI checked their access first).
  const call = (
    method: string,
    params?: Record<string, unknown>,
    caller: Caller = OWNER_CALLER,
  ) => api.call(method, params ?? {}, { method, caller, signal: AbortSignal.timeout(60_000) });
  const admin = createProcAdmin({
    call,
    logs: new RpcLogReader(call),
    service: "hero_proc",
    verifier,
    follow,
  });
  // Closed while loading: a request that was waiting still gets an answer, but no stream or
  // terminal outlives the daemon.
  if (isClosed()) admin.close();
  return admin;
}

/** New lines as the store commits them, filtered like `logs.query`. */
function follower(store: () => LogStore | undefined): LogFollow {
  return (f, listener) => {
    const logs = store();
    if (!logs) return () => {};
    const match = recordFilter({
      source: f.source,
      level: f.level as Parameters<typeof recordFilter>[0]["level"],
      job_id: f.jobId,
      text: f.text,
    });
    return logs.subscribe((records) => {
      const lines = records.filter(match);
      if (lines.length) listener(lines);
    });
  };
}
