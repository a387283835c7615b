/**
 * `logs.tree`: the source prefixes as a tree with line counts, last time and dropped counts,
 * built from the per-source summary table (so its cost depends on the number of sources,
 * never on the number of lines), limited to a depth below the requested prefix.
 */
import type { DatabaseSync } from "node:sqlite";
import { compileSourcePattern, literalRange } from "./source_pattern.ts";
import type { SourceDelta } from "../store/line_intake.ts";

/** One node of the tree. */
export interface LogTreeNode {
  /** Last segment ("" for the root). */
  name: string;
  /** Full dotted prefix. */
  path: string;
  /** Lines stored at this prefix and below. */
  lines: number;
  /** Time of the newest line at this prefix and below (ms). */
  last_ts: number;
  /** Lines dropped by flood control at this prefix and below. */
  dropped: number;
  /** Lines evicted by the size cap at this prefix and below (kept across restarts). */
  evicted: number;
  /** Children (absent beyond the depth limit; see `more`). */
  children: LogTreeNode[];
  /** True when children exist below the depth limit. */
  more?: boolean;
}

/** Options of {@link logTree}. */
export interface LogTreeOptions {
  /** Root of the tree (default: everything). */
  prefix?: string;
  /** Levels below the root (default 3). */
  depth?: number;
  /** Counts accepted but not yet in the summary table, added to it. */
  pending?: ReadonlyMap<string, SourceDelta>;
}

/** Builds the tree under `prefix`, `depth` levels deep. */
export function logTree(db: DatabaseSync, opts: LogTreeOptions = {}): LogTreeNode {
  const prefix = opts.prefix ?? "", depth = opts.depth ?? 3;
  const pat = compileSourcePattern(prefix);
  const range = literalRange(pat.literal);
  const rows: Record<string, unknown>[] = db.prepare(
    `SELECT source, lines, last_ts, dropped, evicted FROM log_sources WHERE ${range.sql} ` +
      "ORDER BY source",
  ).all(...range.args);
  for (const [source, d] of opts.pending ?? []) {
    rows.push({ source, lines: d.n, last_ts: d.last, dropped: d.dropped, evicted: 0 });
  }
  const base = pat.hasWildcard ? "" : pat.literal;
  const root: LogTreeNode = {
    name: base.split(".").pop() ?? "",
    path: base,
    lines: 0,
    last_ts: 0,
    dropped: 0,
    evicted: 0,
    children: [],
  };
  const skip = base ? base.split(".").length : 0;
  const index = new Map<LogTreeNode, Map<string, LogTreeNode>>();
  for (const r of rows) {
    const source = String(r.source);
    if (!pat.matches(source)) continue;
    const c = {
      lines: Number(r.lines),
      last: Number(r.last_ts),
      dropped: Number(r.dropped),
      evicted: Number(r.evicted),
    };
    add(root, c);
    const segs = source.split(".").slice(skip);
    let node = root;
    for (let i = 0; i < segs.length; i++) {
      if (i >= depth) {
        node.more = true;
        break;
      }
      let kids = index.get(node);
      if (!kids) index.set(node, kids = new Map());
      let child = kids.get(segs[i]);
      if (!child) {
        const path = node.path ? `${node.path}.${segs[i]}` : segs[i];
        child = {
          name: segs[i],
          path,
          lines: 0,
          last_ts: 0,
          dropped: 0,
          evicted: 0,
          children: [],
        };
        node.children.push(child);
        kids.set(segs[i], child);
      }
      add(child, c);
      node = child;
    }
  }
  return root;
}

function add(
  n: LogTreeNode,
  c: { lines: number; last: number; dropped: number; evicted: number },
): void {
  n.lines += c.lines;
  n.last_ts = Math.max(n.last_ts, c.last);
  n.dropped += c.dropped;
  n.evicted += c.evicted;
}
