/** The two shapes of a log line on the wire: as `logs.insert` takes it and as queries return it. */
import type { Level } from "./levels.ts";

/** A line as `logs.insert` receives it. */
export interface NewLogLine {
  /** Milliseconds since the epoch (default: now). */
  ts?: number;
  level?: Level;
  source: string;
  service?: string | null;
  job_id?: number | null;
  message: string;
  fields?: Record<string, unknown>;
}

/** A stored line. */
export interface LogRecord {
  id: number;
  ts: number;
  level: Level;
  source: string;
  service: string | null;
  job_id: number | null;
  message: string;
  fields?: Record<string, unknown>;
}
