/**
 * Passive capture: a child prints 1,000,000 numbered lines as fast as it can; measured is the
 * time from starting it until every line is queryable in hero_proc (`logs.query` and
 * `logs.tree` see it: stored in logs.db, indexed or still in a chunk waiting for the indexer),
 * and the lines lost — beside PM2 capturing the same child into its log file in the same run
 * (time until every line is in the file). Both with default settings. Also reported: when
 * hero_proc's indexer has every line in the SQL indexes and FTS.
 *
 * Run: node bench/logs_capture.ts [lines]   (ROUNDS=3; writes bench/results/logs_capture.json)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { indexedAfter, startDaemon, storedUnder } from "./proc_daemon.ts";

const N = Number(process.argv[2] ?? 1_000_000);
const child = `const N=${N};let i=0;const pad=' the quick brown fox jumps over the lazy dog';` +
  `function go(){while(i<N){let c='';for(let k=0;k<1000&&i<N;k++,i++)c+='line '+i+pad+'\\n';` +
  `if(!process.stdout.write(c))return process.stdout.once('drain',go);}}go();`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Figures {
  seconds: number;
  linesPerSecond: number;
  lost: number;
  /** hero_proc: seconds until every line is also in the SQL indexes and FTS. */
  indexedSeconds?: number;
}

async function heroProc(): Promise<Figures> {
  const d = await startDaemon();
  try {
    const t0 = performance.now();
    await d.client.call("service.set", {
      service: { name: "cap", exec: [process.execPath, "-e", child], kind: "oneshot" },
    });
    let count = 0, last = 0, lastChange = performance.now();
    while (count < N) {
      await sleep(10);
      count = await storedUnder(d.client, "cap.main.stdout");
      if (count !== last) (last = count), (lastChange = performance.now());
      else if (performance.now() - lastChange > 10_000) break; // stalled: what is missing is lost
    }
    const seconds = (performance.now() - t0) / 1000;
    const edge = await d.client.call<{ lines: { message: string }[] }>("logs.query", {
      source: "cap.main.stdout",
      limit: 1,
    });
    if (count === N && !edge.lines[0]?.message.startsWith(`line ${N - 1} `)) {
      throw new Error(`unexpected last line: ${edge.lines[0]?.message}`);
    }
    const indexedSeconds = await indexedAfter(d.client, t0);
    return {
      seconds,
      linesPerSecond: Math.round(count / seconds),
      lost: N - count,
      indexedSeconds,
    };
  } finally {
    await d.stop();
  }
}

// One PM2_HOME for every round: PM2 reads it when its module loads.
const home = fs.mkdtempSync(path.join(os.tmpdir(), "hero_bench_pm2_"));
process.env.PM2_HOME = home;

async function pm2(round: number): Promise<Figures> {
  // deno-lint-ignore no-explicit-any
  const pm2: any = (await import("pm2")).default;
  const call = <T>(fn: string, ...args: unknown[]) =>
    new Promise<T>((resolve, reject) =>
      pm2[fn](...args, (err: unknown, r: T) => (err ? reject(err) : resolve(r)))
    );
  const out = path.join(home, `cap${round}.out.log`);
  try {
    await call("connect");
    const t0 = performance.now();
    await call("start", {
      name: "cap",
      script: process.execPath,
      args: ["-e", child],
      interpreter: "none",
      autorestart: false,
      out_file: out,
      error_file: path.join(home, `cap${round}.err.log`),
    });
    let count = 0, offset = 0, last = 0, lastChange = performance.now();
    const buf = Buffer.alloc(1 << 20);
    while (count < N) {
      await sleep(10);
      let fd: number;
      try {
        fd = fs.openSync(out, "r");
      } catch {
        continue;
      }
      for (;;) {
        const n = fs.readSync(fd, buf, 0, buf.length, offset);
        if (!n) break;
        offset += n;
        for (let i = 0; i < n; i++) if (buf[i] === 10) count++;
      }
      fs.closeSync(fd);
      if (count !== last) (last = count), (lastChange = performance.now());
      else if (performance.now() - lastChange > 10_000) break;
    }
    const seconds = (performance.now() - t0) / 1000;
    return { seconds, linesPerSecond: Math.round(count / seconds), lost: N - count };
  } finally {
    await call("delete", "all").catch(() => {});
    await call("killDaemon").catch(() => {});
    pm2.disconnect();
  }
}

// Rounds alternate the two, so a noisy moment on a shared machine hits both; medians count.
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const runs: Record<string, Figures[]> = { "hero_proc (logs.db)": [], "PM2 7.0.4 (log file)": [] };
for (let r = 0; r < ROUNDS; r++) {
  runs["hero_proc (logs.db)"].push(await heroProc());
  runs["PM2 7.0.4 (log file)"].push(await pm2(r));
}
fs.rmSync(home, { recursive: true, force: true });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results: Record<string, Figures & { rounds: number[] }> = {};
for (const [k, v] of Object.entries(runs)) {
  const seconds = median(v.map((f) => f.seconds));
  const indexed = v.flatMap((f) => (f.indexedSeconds === undefined ? [] : [f.indexedSeconds]));
  results[k] = {
    seconds,
    linesPerSecond: Math.round(N / seconds),
    lost: Math.max(...v.map((f) => f.lost)),
    ...(indexed.length ? { indexedSeconds: median(indexed) } : {}),
    rounds: v.map((f) => Math.round(f.seconds * 1000) / 1000),
  };
}
console.log(
  `\n${
    N.toLocaleString("en")
  } lines from one child, median of ${ROUNDS} alternating rounds; Node ${process.version}, ${os.cpus().length} CPUs\n`,
);
console.log(
  "| capture | time until all queryable | lines/s | lines lost (worst) | all indexed after | rounds (s) |",
);
console.log("|---|---|---|---|---|---|");
for (const [k, v] of Object.entries(results)) {
  const indexed = v.indexedSeconds === undefined ? "-" : `${v.indexedSeconds.toFixed(2)} s`;
  console.log(
    `| ${k} | ${v.seconds.toFixed(2)} s | ${
      v.linesPerSecond.toLocaleString("en")
    } | ${v.lost} | ${indexed} | ${v.rounds.join(", ")} |`,
  );
}
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "results");
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(
  path.join(dir, "logs_capture.json"),
  JSON.stringify(
    { date: new Date().toISOString(), node: process.version, lines: N, rounds: ROUNDS, results },
    null,
    2,
  ) + "\n",
);
// PM2's client library keeps handles open after disconnect: leave explicitly.
process.exit(0);
