/**
 * The two shapes of a log line on the wire: as `logs.insert` takes it and as every read
 * (`logs.query`, `logs.follow`, `service.logs`, `job.logs`, the admin pages) returns it.
 */
import { LOG_LEVELS, type LogLevel } from "@hero/sdk/levels";

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
export type { LogRecord } from "@hero/sdk";

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
