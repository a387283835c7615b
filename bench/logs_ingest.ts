/**
 * Ingestion through the SDK: a service logs 1,000,000 structured lines with HeroLogger
 * (buffer 500, default settings) into a real hero_proc; measured is the time until every line
 * is queryable, and the lines dropped (must be 0). Also the raw `logs.insert` rate with
 * batches of 5,000 from 4 concurrent callers. The logging loop yields when the logger has
 * more than 4 batches pending, like a service doing other work between lines would.
 *
 * Run: node bench/logs_ingest.ts [lines]   (writes bench/results/logs_ingest.json)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { HeroLogger } from "@hero/sdk";
import { indexedAfter, startDaemon, storedUnder } from "./proc_daemon.ts";

const N = Number(process.argv[2] ?? 1_000_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitStored(d: Awaited<ReturnType<typeof startDaemon>>, prefix: string, n: number) {
  let count = 0, last = 0, lastChange = performance.now();
  while (count < n) {
    await sleep(20);
    count = await storedUnder(d.client, prefix);
    if (count !== last) (last = count), (lastChange = performance.now());
    else if (performance.now() - lastChange > 10_000) break;
  }
  return count;
}

const d = await startDaemon();
const results: Record<
  string,
  { seconds: number; linesPerSecond: number; dropped: number; indexedSeconds: number }
> = {};
try {
  {
    const logger = new HeroLogger({ source: "ingest", socketRoot: d.socketRoot });
    const req = logger.child("http");
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      req.info(`GET /items/${i} answered`, i % 10 === 0 ? { status: 200, ms: i % 97 } : undefined);
      if (i % 500 === 0) { while (logger.stats.pending > 2000) await sleep(1); }
    }
    await logger.flush();
    const stored = await waitStored(d, "ingest", N);
    const seconds = (performance.now() - t0) / 1000;
    results["HeroLogger -> logs.insert (buffer 500)"] = {
      seconds,
      linesPerSecond: Math.round(stored / seconds),
      dropped: logger.stats.dropped + (N - stored),
      indexedSeconds: await indexedAfter(d.client, t0),
    };
    await logger.close();
  }
  {
    const batch = Array.from(
      { length: 5000 },
      (_, i) => ({ source: "raw.x", level: "info", message: `raw line ${i}` }),
    );
    const t0 = performance.now();
    let sent = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (sent < N) {
        sent += batch.length;
        await d.client.call("logs.insert", { lines: batch });
      }
    }));
    const stored = await waitStored(d, "raw", sent);
    const seconds = (performance.now() - t0) / 1000;
    results["logs.insert, batches of 5000, 4 callers"] = {
      seconds,
      linesPerSecond: Math.round(stored / seconds),
      dropped: sent - stored,
      indexedSeconds: await indexedAfter(d.client, t0),
    };
  }
} finally {
  await d.stop();
}
console.log(
  `\n${N.toLocaleString("en")} lines; Node ${process.version}, ${os.cpus().length} CPUs\n`,
);
console.log("| path | time until all queryable | lines/s | dropped | all indexed after |");
console.log("|---|---|---|---|---|");
for (const [k, v] of Object.entries(results)) {
  console.log(
    `| ${k} | ${v.seconds.toFixed(2)} s | ${
      v.linesPerSecond.toLocaleString("en")
    } | ${v.dropped} | ${v.indexedSeconds.toFixed(2)} s |`,
  );
}
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "results");
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(
  path.join(dir, "logs_ingest.json"),
  JSON.stringify(
    { date: new Date().toISOString(), node: process.version, lines: N, results },
    null,
    2,
  ) + "\n",
);
