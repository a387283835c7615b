/**
 * Marks log lines of a service that come from an earlier job than its actions' current ones: an
 * instance that crashed or was restarted, or a service removed and added again under that name.
 * Marking is synchronous (the live tail sends lines as the store commits them) against the last
 * known current jobs, refreshed in the background; a job newer than every known one counts as
 * current until the next refresh says otherwise.
 */
import type { LogLine } from "./log_reader.ts";

type Call = (method: string, params?: Record<string, unknown>) => Promise<unknown>;

/** The current jobs of every service, and the marking of lines against them. */
export class PreviousMarker {
  readonly #call: Call;
  #current = new Map<string, Set<number>>();
  #refreshing?: Promise<void>;

  /** `call` reaches hero_proc's `service.list`. */
  constructor(call: Call) {
    this.#call = call;
  }

  /** Reads the current job of every action now. */
  refresh(): Promise<void> {
    this.#refreshing ??= (async () => {
      try {
        const services = await this.#call("service.list") as {
          name: string;
          actions: { job_id: number | null }[];
        }[];
        this.#current = new Map(
          services.map((s) => [
            s.name,
            new Set(s.actions.map((a) => a.job_id).filter((id): id is number => id !== null)),
          ]),
        );
      } finally {
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }

  /** The lines, those of an earlier job than the current ones with `previous: true`. */
  mark(lines: LogLine[]): LogLine[] {
    return lines.map((l) => {
      const jobs = this.#current.get(l.source.split(".")[0]);
      if (!jobs?.size || l.job_id === null || jobs.has(l.job_id)) return l;
      return l.job_id < Math.max(...jobs) ? { ...l, previous: true } : l;
    });
  }
}
