/**
 * `hero_proc logs [PREFIX] [-f] [--level L] [--since T] [--until T] [--grep TEXT] [--job ID]
 * [-n N] [--json]` and `hero_proc logs --tree [PREFIX] [--depth N]`. A bare number as PREFIX
 * means a job id. Following streams the SSE tail of admin.sock and stops on Ctrl-C.
 */
import process from "node:process";
import { followLogs, HeroError, type LogRecord } from "@hero/sdk";
import type { ProcPaths } from "../daemon/paths.ts";
import { closestName } from "../supervisor/closest_name.ts";
import { callDaemon, CliError } from "./client.ts";
import { EXIT } from "./command_spec.ts";
import { bytes, color } from "./format.ts";

/** Options of the logs command. */
export interface LogsOptions {
  follow?: boolean;
  level?: string;
  since?: string;
  until?: string;
  grep?: string;
  job?: string;
  lines?: number;
  tree?: boolean;
  depth?: number;
}

interface TreeNode {
  name: string;
  path: string;
  lines: number;
  last_ts: number;
  dropped: number;
  children: TreeNode[];
  more?: boolean;
}

const LEVEL_COLOR: Record<string, (s: string) => string> = {
  trace: color.dim,
  debug: color.dim,
  info: color.green,
  warn: color.yellow,
  error: color.red,
  fatal: color.red,
};

/** One line for people: time, level, source, message, fields. */
export function formatRecord(l: LogRecord): string {
  const time = new Date(l.ts).toISOString().replace("T", " ").slice(5, 23);
  const lvl = (LEVEL_COLOR[l.level] ?? String)(l.level.toUpperCase().padEnd(5));
  const fields = l.fields ? ` ${color.dim(JSON.stringify(l.fields))}` : "";
  return `${color.dim(time)} ${lvl} ${color.cyan(l.source)} ${l.message}${fields}`;
}

function printTree(n: TreeNode, indent: string, out: string[]): void {
  const when = n.last_ts ? new Date(n.last_ts).toISOString().replace("T", " ").slice(0, 19) : "-";
  const dropped = n.dropped ? color.yellow(` (${n.dropped} dropped)`) : "";
  out.push(
    `${indent}${n.name || n.path || "(all)"}  ${n.lines} lines, last ${when}${dropped}${
      n.more ? color.dim(" …") : ""
    }`,
  );
  for (const c of n.children) printTree(c, `${indent}  `, out);
}

/** Most lines one logs.query answers. */
const PAGE = 10_000;

/** Fails (exit 1) when no log source and no service has this name, suggesting the closest. */
async function assertKnownSource(paths: ProcPaths, source: string): Promise<void> {
  const tree = await callDaemon<TreeNode>(paths, "logs.tree", { prefix: "", depth: 1 });
  const services = await callDaemon<{ name: string }[]>(paths, "service.list");
  const known = [...new Set([...tree.children.map((c) => c.name), ...services.map((s) => s.name)])];
  const first = source.split(".")[0];
  if (known.includes(first) || source.includes("*")) return;
  const hint = closestName(first, known);
  throw new CliError(
    `No log source or service is named "${first}"${hint ? `; did you mean "${hint}"?` : ""}` +
      (known.length ? `\nKnown sources: ${known.sort().join(", ")}` : ""),
    EXIT.failed,
  );
}

/** Runs `hero_proc logs`. */
export async function logsCommand(
  paths: ProcPaths,
  prefix: string | undefined,
  opts: LogsOptions,
  json: boolean,
): Promise<void> {
  if (opts.tree) {
    const tree = await callDaemon<TreeNode>(paths, "logs.tree", {
      prefix: prefix ?? "",
      depth: opts.depth ?? 3,
    });
    if (json) return void console.log(JSON.stringify(tree, null, 2));
    const out: string[] = [];
    printTree(tree, "", out);
    const stats = await callDaemon<{ used_bytes: number; dropped: { total: number } }>(
      paths,
      "logs.stats",
    );
    out.push(
      color.dim(
        `store: ${bytes(stats.used_bytes)}, ${stats.dropped.total} lines dropped since start`,
      ),
    );
    return void console.log(out.join("\n"));
  }
  const isJob = prefix !== undefined && /^\d+$/.test(prefix);
  const jobId = opts.job !== undefined ? Number(opts.job) : isJob ? Number(prefix) : undefined;
  if (jobId !== undefined && !(Number.isInteger(jobId) && jobId >= 0)) {
    throw new CliError(`Bad --job "${opts.job}": give a job id (a number)`, 2);
  }
  const filters = {
    ...(prefix && !isJob ? { source: prefix } : {}),
    ...(opts.level ? { level: opts.level } : {}),
    ...(opts.since ? { since: opts.since } : {}),
    ...(opts.until ? { until: opts.until } : {}),
    ...(opts.grep ? { text: opts.grep } : {}),
    ...(jobId !== undefined ? { job_id: jobId } : {}),
  };
  const wanted = opts.lines ?? 50;
  if (!Number.isInteger(wanted) || wanted < 1) {
    throw new CliError(`Bad -n "${opts.lines}": give a number of lines (1 or more)`, EXIT.usage);
  }
  // The daemon answers at most PAGE lines at a time: page back through the cursor.
  const lines: LogRecord[] = [];
  let cursor: string | null = null;
  do {
    const page: { lines: LogRecord[]; next_cursor: string | null } = await callDaemon(
      paths,
      "logs.query",
      { ...filters, limit: Math.min(PAGE, wanted - lines.length), ...(cursor ? { cursor } : {}) },
    );
    lines.push(...page.lines);
    cursor = page.next_cursor;
  } while (cursor && lines.length < wanted);
  lines.reverse();
  if (!lines.length && filters.source) await assertKnownSource(paths, filters.source);
  const show = (l: LogRecord) => console.log(json ? JSON.stringify(l) : formatRecord(l));
  lines.forEach(show);
  if (!opts.follow) return;
  const ctl = new AbortController();
  const stop = () => ctl.abort();
  process.once("SIGINT", stop);
  try {
    for await (
      const l of followLogs({
        source: filters.source,
        level: filters.level as LogRecord["level"] | undefined,
        jobId,
        text: filters.text,
        afterId: lines.at(-1)?.id,
        signal: ctl.signal,
        socketRoot: paths.socketRoot,
      })
    ) show(l);
  } catch (err) {
    if (err instanceof HeroError) throw new CliError(err.message);
    throw err;
  } finally {
    process.off("SIGINT", stop);
  }
}
