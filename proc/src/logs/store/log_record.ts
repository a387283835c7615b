/**
 * The two shapes of a log line on the wire: as `logs.insert` takes it and as every read
 * (`logs.query`, `logs.follow`, `service.logs`, `job.logs`, the admin pages) returns it.
 */
import { LOG_LEVELS, type LogLevel } from "@hero/sdk/levels";
import type { LogRecord } from "@hero/sdk";
import type { IdRow } from "./log_chunks.ts";

/** A line as `logs.insert` receives it. */
export interface NewLogLine {
  /** Milliseconds since the epoch (default: now). */
  ts?: number;
  level?: LogLevel;
  source: string;
  service?: string | null;
  job_id?: number | null;
  message: string;
  fields?: Record<string, unknown>;
}

/** A stored line: the SDK's record, the one shape every log read returns. */
export type { LogRecord };

/** Turns a row into the wire shape. */
export function rowToRecord(r: Record<string, unknown>): LogRecord {
  const rec: LogRecord = {
    id: Number(r.id),
    ts: Number(r.ts),
    level: LOG_LEVELS[Number(r.level)] ?? "info",
    source: String(r.source),
    service: r.service == null ? null : String(r.service),
    job_id: r.job_id == null ? null : Number(r.job_id),
    message: String(r.message),
  };
  if (typeof r.fields === "string") rec.fields = JSON.parse(r.fields);
  return rec;
}

/** A stored row with its id as a record (the same conversion as rows read from SQL). */
export function idRowToRecord(r: IdRow): LogRecord {
  const [id, ts, level, source, service, job_id, message, fields] = r;
  return rowToRecord({ id, ts, level, source, service, job_id, message, fields });
}

/** The JSON Schema of a {@link LogRecord}, for every method that returns lines. */
export const LOG_RECORD_SCHEMA = {
  type: "object",
  properties: {
    id: { type: "integer" },
    ts: { type: "integer" },
    level: { enum: [...LOG_LEVELS] },
    source: { type: "string" },
    service: { type: ["string", "null"] },
    job_id: { type: ["integer", "null"] },
    message: { type: "string" },
    fields: { type: "object" },
  },
};
