/**
 * Query latency of the log store at 10,000,000 lines: prefix + level + time window, wildcard
 * prefix, full text (rare word, common word, common word in one small job), the tree. The
 * store is generated directly in SQLite (recursive CTE in chunks of 1M lines, indexes built
 * after the load) with the schema of hero_proc's store; generation time is reported and
 * bounded by GEN_BUDGET_S (default 600): if the budget runs out, the bench runs on what was
 * generated and says so.
 *
 * Run: node bench/logs_query.ts [lines]   (writes bench/results/logs_query.json)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { LogStore } from "../proc/src/logs/log_store.ts";
import { queryLogs } from "../proc/src/logs/query/log_query.ts";
import { logTree } from "../proc/src/logs/query/log_tree.ts";

const TARGET = Number(process.argv[2] ?? 10_000_000);
const BUDGET_S = Number(process.env.GEN_BUDGET_S ?? 600);
const CHUNK = 1_000_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hero_logs_q_"));
const file = path.join(dir, "logs.db");
const base = Date.now() - 6 * 86_400_000; // six days of lines, one every ~50 ms

try {
  new LogStore({ file, minFreeBytes: 0 }).close(); // the real schema
  const db = new DatabaseSync(file);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -200000");
  db.exec("DROP INDEX logs_by_source_ts; DROP INDEX logs_by_ts; DROP INDEX logs_by_job");
  const t0 = performance.now();
  let made = 0;
  const words = [
    "started",
    "request",
    "finished",
    "connection",
    "timeout",
    "retrying",
    "cache",
    "miss",
    "hit",
    "user",
  ];
  const wordSql = `(CASE x % 10 ${words.map((w, i) => `WHEN ${i} THEN '${w}'`).join(" ")} END)`;
  while (made < TARGET && (performance.now() - t0) / 1000 < BUDGET_S * 0.6) {
    const n = Math.min(CHUNK, TARGET - made);
    db.exec("BEGIN");
    db.exec(`
      WITH RECURSIVE c(x) AS (SELECT ${made} UNION ALL SELECT x + 1 FROM c WHERE x < ${
      made + n - 1
    })
      INSERT INTO logs (ts, level, source, service, job_id, message, fields)
      SELECT ${base} + x * 50,
             CASE WHEN x % 97 = 0 THEN 4 WHEN x % 13 = 0 THEN 3 WHEN x % 3 = 0 THEN 1 ELSE 2 END,
             'svc' || (x % 20) || '.workspace.w' || (x % 200) || '.job.j' || (x % 5000) || '.' ||
               (CASE x % 3 WHEN 0 THEN 'fetch' WHEN 1 THEN 'parse' ELSE 'store' END),
             'svc' || (x % 20),
             CASE WHEN x % 2 = 0 THEN x % 100000 END,
             ${wordSql} || ' item ' || x || ' took ' || (x % 977) || ' ms' ||
               CASE WHEN x % 10007 = 0 THEN ' zebrafish' ELSE '' END,
             NULL
      FROM c`);
    db.exec("COMMIT");
    made += n;
    console.error(`generated ${made} lines (${Math.round((performance.now() - t0) / 1000)} s)`);
  }
  db.exec("INSERT INTO logs_fts (rowid, message) SELECT id, message FROM logs");
  console.error(`fts built (${Math.round((performance.now() - t0) / 1000)} s)`);
  db.exec("CREATE INDEX logs_by_source_ts ON logs (source, ts)");
  db.exec("CREATE INDEX logs_by_ts ON logs (ts)");
  db.exec("CREATE INDEX logs_by_job ON logs (job_id, ts) WHERE job_id IS NOT NULL");
  db.exec(
    "INSERT INTO log_sources (source, lines, last_ts, dropped) SELECT source, count(*), max(ts), 0 FROM logs GROUP BY source",
  );
  db.exec("ANALYZE");
  db.close();
  const genS = Math.round((performance.now() - t0) / 100) / 10;
  console.error(`indexes built: ${made} lines in ${genS} s`);

  const store = new LogStore({ file, minFreeBytes: 0, retention: { maxAgeMs: 0, maxBytes: 0 } });
  const mid = base + Math.floor(made / 2) * 50;
  const cases: Record<string, Parameters<typeof queryLogs>[1]> = {
    "prefix + level + 1 h window": {
      source: "svc3.workspace",
      level: "warn",
      since: mid,
      until: mid + 3_600_000,
      limit: 100,
    },
    "deep prefix + 1 h window": {
      source: "svc3.workspace.w43",
      since: mid,
      until: mid + 3_600_000,
      limit: 100,
    },
    "prefix + level, newest 100": { source: "svc7", level: "error", limit: 100 },
    "wildcard prefix (svc3.workspace.*.job)": { source: "svc3.workspace.*.job", limit: 100 },
    "full text, rare word": { text: "zebrafish", limit: 100 },
    "full text, common word + prefix": { source: "svc4", text: "timeout", limit: 100 },
    "full text + level + prefix": { source: "svc4", level: "warn", text: "timeout", limit: 100 },
    // One job's 2,000 lines, none with the word (in 1M lines): read the job's lines, not the index.
    "full text, common word in one job (no match)": {
      source: "svc3.workspace.w3.job.j3",
      text: "timeout",
      limit: 100,
    },
    "job id": { job_id: 4242, limit: 100 },
  };
  const results: Record<string, { p50_ms: number; p95_ms: number; rows: number }> = {};
  const runs = 40;
  for (const [name, q] of Object.entries(cases)) {
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      rows = queryLogs(store.db, q).lines.length;
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    results[name] = {
      p50_ms: Math.round(times[runs / 2] * 100) / 100,
      p95_ms: Math.round(times[Math.floor(runs * 0.95)] * 100) / 100,
      rows,
    };
  }
  {
    const sources = Number(store.db.prepare("SELECT count(*) AS n FROM log_sources").get()!.n);
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      logTree(store.db, { depth: 2 });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    results[`tree (depth 2, ${sources} sources)`] = {
      p50_ms: Math.round(times[5] * 100) / 100,
      p95_ms: Math.round(times[9] * 100) / 100,
      rows: 0,
    };
  }
  const size = fs.statSync(file).size;
  store.close();
  console.log(
    `\n${made.toLocaleString("en")} lines, ${
      Math.round(size / 1024 / 1024)
    } MB, generated in ${genS} s (budget ${BUDGET_S} s); Node ${process.version}, ${os.cpus().length} CPUs\n`,
  );
  console.log("| query | p50 | p95 | rows |");
  console.log("|---|---|---|---|");
  for (const [k, v] of Object.entries(results)) {
    console.log(`| ${k} | ${v.p50_ms} ms | ${v.p95_ms} ms | ${v.rows} |`);
  }
  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), "results");
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(
    path.join(out, "logs_query.json"),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        lines: made,
        db_mb: Math.round(size / 1048576),
        generation_s: genS,
        results,
      },
      null,
      2,
    ) + "\n",
  );
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
