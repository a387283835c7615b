/**
 * The indexing thread of the log store: it moves accepted chunks into `logs` rows and FTS
 * entries, and runs retention, on its own SQLite connection, so neither ever holds the
 * supervisor's event loop (capture keeps reading pipes on the main thread meanwhile). It
 * yields the write lock whenever the main thread asks for it (a shared flag) and exits after
 * a few idle seconds, so an idle daemon does not keep a second JavaScript heap.
 */
import fs from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { DatabaseSync } from "node:sqlite";
import { indexStep } from "./log_chunks.ts";
import { walLimitBytes, walPragmas } from "./log_schema.ts";
import { type RetentionPolicy, retentionStep } from "./retention.ts";
import { CONTROL, type IndexerMessage, type IndexerOptions } from "./log_indexer.ts";

const opts = workerData as IndexerOptions;
const control = new Int32Array(opts.control);
const db = new DatabaseSync(opts.file);
db.exec("PRAGMA busy_timeout = 5000");
db.exec("PRAGMA synchronous = NORMAL");
db.exec("PRAGMA cache_size = -16000");
// This connection checkpoints (the main thread's never does); the WAL shrinks back after a burst
// to a size that keeps database + WAL near the cap.
db.exec(walPragmas(opts.retention.maxBytes));
const policy: RetentionPolicy = opts.retention;
let lastAge = 0;
let idleSince = Date.now();
let woken = false;
parentPort!.on("message", (m: string) => {
  if (m === "wake") woken = true;
});

const post = (m: IndexerMessage) => parentPort!.postMessage(m);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (bounded) while the main thread wants the write lock for its own short commit. */
function yieldToMain(): void {
  for (let i = 0; i < 8 && Atomics.load(control, CONTROL.wantLock) === 1; i++) {
    Atomics.wait(control, CONTROL.wantLock, 1, 25);
  }
}

const backlog = db.prepare(
  "SELECT count(*) AS chunks, coalesce(max(first_id + lines) - min(first_id), 0) AS lines, " +
    "min(arrived) AS oldest, max(arrived) AS newest, min(first_id) AS first, " +
    "max(first_id + lines - 1) AS last FROM log_chunks",
);
let reported = 0;

/** Tells the main thread how far lines are done with (indexed, or dropped by retention). */
function report(upTo: number): void {
  if (upTo <= reported) return;
  reported = upTo;
  post({ type: "progress", indexedUpTo: upTo });
}

/** True when chunks wait and the schedule says to index them now. */
function due(): { waiting: boolean; now: boolean } {
  const b = backlog.get()!;
  if (!Number(b.chunks)) return { waiting: false, now: false };
  const t = Date.now(), s = opts.schedule;
  const now = t - Number(b.newest) >= s.quietMs || t - Number(b.oldest) >= s.maxWaitMs ||
    Number(b.lines) >= s.maxBacklog || Atomics.load(control, CONTROL.urgent) === 1;
  return { waiting: true, now };
}

const walLimit = walLimitBytes(opts.retention.maxBytes);

/**
 * Under a steady flood a passive checkpoint never finds the WAL free to start over, so it only
 * grows: past twice its limit, a truncating checkpoint (waits briefly for readers; the main
 * thread's commits, which never wait, retry a moment later).
 */
function boundWal(): void {
  let size = 0;
  try {
    size = fs.statSync(`${opts.file}-wal`).size;
  } catch {
    return;
  }
  if (size > 2 * walLimit) db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

function retention(): number {
  const now = Date.now();
  const ageDue = now - lastAge >= 1000;
  if (ageDue) lastAge = now;
  const n = retentionStep(db, ageDue ? policy : { ...policy, maxAgeMs: 0 }, undefined, now);
  if (n && ageDue) lastAge = 0; // more may be old: check again next round
  return n;
}

while (Atomics.load(control, CONTROL.stop) === 0) {
  let indexed = 0, deleted = 0, lastId = 0, waiting = false;
  try {
    // Retention first: while the store is over its cap, rows go before more rows come in.
    yieldToMain();
    const before = backlog.get()!;
    deleted = retention();
    if (deleted && before.chunks) {
      const after = backlog.get()!;
      report(after.chunks ? Number(after.first) - 1 : Number(before.last));
    }
    const d = due();
    waiting = d.waiting && (!d.now || deleted > 0);
    if (d.now && !deleted) {
      yieldToMain();
      ({ lines: indexed, lastId } = indexStep(db, opts.maxLines));
    }
    boundWal();
  } catch (err) {
    post({ type: "error", message: (err as Error).message });
    await sleep(1000);
  }
  if (indexed || deleted) {
    idleSince = Date.now();
    if (indexed) report(lastId);
    await new Promise((r) => setImmediate(r)); // lets "wake" and stop messages in
    continue;
  }
  if (waiting) idleSince = Date.now();
  else if (!woken && Date.now() - idleSince > opts.idleExitMs) break;
  woken = false;
  await sleep(50);
}
db.close();
post({ type: "exit" });
Atomics.store(control, CONTROL.stopped, 1);
Atomics.notify(control, CONTROL.stopped);
