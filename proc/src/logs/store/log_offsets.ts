/**
 * Reading the committed offsets of jobs' output files (`log_offsets`): how far each file is
 * already in stored lines, so a new daemon reads on from there (exactly once across a crash).
 * They are written with the lines they cover, by chunk_writer.ts.
 */
import type { DatabaseSync } from "node:sqlite";

/** The committed offset of a job's output file (0 when none). */
export function committedOffset(
  db: DatabaseSync,
  jobId: number,
  stream: "stdout" | "stderr",
): number {
  const r = db.prepare("SELECT offset FROM log_offsets WHERE job_id = ? AND stream = ?")
    .get(jobId, stream);
  return r ? Number(r.offset) : 0;
}

/** The jobs that have committed offsets. */
export function jobsWithOffsets(db: DatabaseSync): number[] {
  return db.prepare("SELECT DISTINCT job_id FROM log_offsets").all().map((r) => Number(r.job_id));
}
