/**
 * How the admin UI reads captured logs: the prefix tree of sources with line counts, and lines
 * filtered by source prefix, minimum level, job, text and id (for following). The SQLite
 * reader works on hero_proc's `logs` table; a richer log store can implement the same
 * interface.
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";

/** Log levels, lowest first. */
export const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;

/** One node of the source prefix tree. */
export interface LogTreeNode {
  /** The last segment (`stdout`), "" for the root. */
  name: string;
  /** The full dotted prefix (`api.server.stdout`). */
  prefix: string;
  /** Lines at or below this prefix. */
  count: number;
  children: LogTreeNode[];
}

/** One line as the UI shows it. */
export interface LogLine {
  id: number;
  ts: number;
  source: string;
  level: string;
  job_id: number | null;
  line: string;
  /** Structured fields shipped with the line (logs.insert). */
  fields?: Record<string, unknown>;
  /** Set when the line comes from an earlier job of its service than the current one. */
  previous?: boolean;
}

/** Calls `listener` with every batch of new lines matching the filter; returns the unfollow. */
export type LogFollow = (
  filter: LogFilter,
  listener: (lines: LogLine[]) => void,
) => () => void;

/** Filters of {@link LogReader.query}. */
export interface LogFilter {
  /** Dotted source prefix. */
  source?: string;
  /** Minimum level. */
  level?: string;
  jobId?: number;
  /** Case-insensitive text the line must contain. */
  text?: string;
  /** Only lines with a larger id (following). */
  afterId?: number;
  /** Most lines (the newest ones, unless following). */
  limit?: number;
}

/** What the admin UI reads logs through. */
export interface LogReader {
  /** The prefix tree of every source with counts. */
  tree(): LogTreeNode | Promise<LogTreeNode>;
  /** Lines matching `filter`, oldest first. */
  query(filter: LogFilter): LogLine[] | Promise<LogLine[]>;
}

/** Builds the prefix tree from per-source counts. */
export function buildTree(counts: { source: string; count: number }[]): LogTreeNode {
  const root: LogTreeNode = { name: "", prefix: "", count: 0, children: [] };
  for (const { source, count } of counts) {
    root.count += count;
    let node = root;
    for (const seg of source.split(".")) {
      let child = node.children.find((c) => c.name === seg);
      if (!child) {
        child = {
          name: seg,
          prefix: node.prefix ? `${node.prefix}.${seg}` : seg,
          count: 0,
          children: [],
        };
        node.children.push(child);
      }
      child.count += count;
      node = child;
    }
  }
  const sort = (n: LogTreeNode) => {
    n.children.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
    n.children.forEach(sort);
  };
  sort(root);
  return root;
}

/** Reads hero_proc's `logs` table (id, ts, source, job_id, level, line). */
export class SqliteLogReader implements LogReader {
  readonly #db: DatabaseSync;
  readonly #flush: () => void;

  /** `flush` writes queued lines first, so what was just logged is visible. */
  constructor(db: DatabaseSync, flush: () => void = () => {}) {
    this.#db = db;
    this.#flush = flush;
  }

  /** The prefix tree of every source with counts. */
  tree(): LogTreeNode {
    this.#flush();
    const rows = this.#db.prepare("SELECT source, COUNT(*) AS n FROM logs GROUP BY source").all();
    return buildTree(rows.map((r) => ({ source: String(r.source), count: Number(r.n) })));
  }

  /** Lines matching `filter`, oldest first (at most 5,000). */
  query(f: LogFilter): LogLine[] {
    this.#flush();
    const where: string[] = [];
    const args: SQLInputValue[] = [];
    if (f.source) {
      where.push("(source = ? OR source LIKE ? ESCAPE '\\')");
      args.push(f.source, `${f.source.replace(/[\\%_]/g, (c) => `\\${c}`)}.%`);
    }
    const min = LEVELS.indexOf((f.level ?? "") as (typeof LEVELS)[number]);
    if (min > 0) {
      const allowed = LEVELS.slice(min);
      where.push(`level IN (${allowed.map(() => "?").join(",")})`);
      args.push(...allowed);
    }
    if (f.jobId !== undefined) (where.push("job_id = ?"), args.push(f.jobId));
    if (f.text) {
      where.push("instr(lower(line), ?) > 0");
      args.push(f.text.toLowerCase());
    }
    if (f.afterId !== undefined) (where.push("id > ?"), args.push(f.afterId));
    const limit = Math.max(1, Math.min(f.limit ?? 500, 5000));
    const cond = where.length ? `WHERE ${where.join(" AND ")}` : "";
    const sql = f.afterId !== undefined
      ? `SELECT * FROM logs ${cond} ORDER BY id ASC LIMIT ?`
      : `SELECT * FROM (SELECT * FROM logs ${cond} ORDER BY id DESC LIMIT ?) ORDER BY id ASC`;
    return this.#db.prepare(sql).all(...args, limit).map((r) => ({
      id: Number(r.id),
      ts: Number(r.ts),
      source: String(r.source),
      level: String(r.level),
      job_id: r.job_id === null ? null : Number(r.job_id),
      line: String(r.line),
    }));
  }
}
