/**
 * The admin's log reader over hero_proc's `logs.*` API (the log store): `logs.tree`,
 * `logs.query` (newest lines) and `logs.follow` without waiting (lines after an id). Lines and
 * nodes come back in the API's own shapes.
 */
import type { LogFilter, LogLine, LogReader, LogRecord, LogTreeNode } from "./log_reader.ts";

/** Calls one method of hero_proc's API. */
export type ApiCall = (method: string, params?: Record<string, unknown>) => Promise<unknown>;

/** Reads logs through `logs.tree`, `logs.query` and `logs.follow`. */
export class RpcLogReader implements LogReader {
  readonly #call: ApiCall;

  /** `call` reaches hero_proc's API (in-process or over rpc.sock). */
  constructor(call: ApiCall) {
    this.#call = call;
  }

  /** The whole prefix tree (32 levels, the API's maximum). */
  async tree(): Promise<LogTreeNode> {
    return await this.#call("logs.tree", { depth: 32 }) as LogTreeNode;
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
      lines: LogRecord[];
    };
    return following ? page.lines : page.lines.reverse();
  }
}
