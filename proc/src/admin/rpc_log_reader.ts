/**
 * The admin's log reader over hero_proc's `logs.*` API (the log store with FTS, retention and
 * flood control): `logs.tree`, `logs.query` (newest lines) and `logs.follow` without waiting
 * (lines after an id) mapped to the shapes the pages use. Used whenever the daemon's API has
 * those methods; the SQLite reader is the fallback.
 */
import type { LogFilter, LogLine, LogReader, LogTreeNode } from "./log_reader.ts";

/** Calls one method of hero_proc's API. */
export type ApiCall = (method: string, params?: Record<string, unknown>) => Promise<unknown>;

interface StoreTreeNode {
  name: string;
  path: string;
  lines: number;
  children?: StoreTreeNode[];
}

interface StoreRecord {
  id: number;
  ts: number;
  level: string;
  source: string;
  job_id: number | null;
  message: string;
  fields?: Record<string, unknown>;
}

/** Whether an API offers what {@link RpcLogReader} needs. */
export function hasLogApi(methodNames: readonly string[]): boolean {
  return ["logs.query", "logs.tree", "logs.follow"].every((m) => methodNames.includes(m));
}

function toNode(n: StoreTreeNode): LogTreeNode {
  return {
    name: n.name,
    prefix: n.path,
    count: n.lines,
    children: (n.children ?? []).map(toNode),
  };
}

/** Reads logs through `logs.tree` and `logs.query`. */
export class RpcLogReader implements LogReader {
  readonly #call: ApiCall;

  /** `call` reaches hero_proc's API (in-process or over rpc.sock). */
  constructor(call: ApiCall) {
    this.#call = call;
  }

  /** The whole prefix tree (32 levels, the API's maximum). */
  async tree(): Promise<LogTreeNode> {
    return toNode(await this.#call("logs.tree", { depth: 32 }) as StoreTreeNode);
  }

  /** Lines matching `f`, oldest first. */
  async query(f: LogFilter): Promise<LogLine[]> {
    const params: Record<string, unknown> = { limit: Math.max(1, Math.min(f.limit ?? 500, 5000)) };
    if (f.source) params.source = f.source;
    if (f.level) params.level = f.level;
    if (f.jobId !== undefined) params.job_id = f.jobId;
    if (f.text) params.text = f.text;
    const following = f.afterId !== undefined;
    if (following) Object.assign(params, { after_id: f.afterId, timeout_ms: 0 });
    else params.order = "newest";
    const page = await this.#call(following ? "logs.follow" : "logs.query", params) as {
      lines: StoreRecord[];
    };
    const lines = page.lines.map((r) => ({
      id: r.id,
      ts: r.ts,
      source: r.source,
      level: r.level,
      job_id: r.job_id,
      line: r.message,
      ...(r.fields ? { fields: r.fields } : {}),
    }));
    return following ? lines : lines.reverse();
  }
}
