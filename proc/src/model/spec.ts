/**
 * The supervisor's data model after validation: services made of actions, and the jobs that
 * run them. Input (TOML, RPC) is normalised into these shapes by `validate_service.ts`, so the
 * rest of hero_proc never sees optional fields or shorthand.
 */

import type { Limits } from "./limits.ts";

/** How an action runs: a long-lived process, or a command that runs to completion. */
export type ActionKind = "process" | "oneshot";

/** When an action is started again after it ends. */
export type RestartPolicy = "always" | "on-failure" | "never";

/** Restart behaviour with exponential backoff. */
export interface RestartSpec {
  policy: RestartPolicy;
  /** First delay before a restart. */
  delay_ms: number;
  /** Multiplier applied to the delay after each consecutive restart. */
  backoff: number;
  /** Upper bound of the delay. */
  max_delay_ms: number;
  /** Consecutive restarts allowed before the action is marked failed (0 = unlimited). */
  max_restarts: number;
  /** Healthy uptime after which the restart counter is reset. */
  stability_ms: number;
}

/** The kinds of health probe. */
export type HealthType = "exec" | "tcp" | "http" | "socket";

/** A health probe of a process action. */
export interface HealthSpec {
  type: HealthType;
  /** exec: argv; tcp: [host, port]; http: [url]; socket: [socket path]. */
  target: string[];
  interval_ms: number;
  timeout_ms: number;
  start_period_ms: number;
  /** Consecutive failures before the action is unhealthy. */
  retries: number;
}

/** How an action is stopped. */
export interface StopSpec {
  signal: string;
  timeout_ms: number;
}

/** One action of a service. */
export interface ActionSpec {
  name: string;
  /** The argv; a string command is stored as `["/bin/sh", "-c", cmd]`. */
  exec: string[];
  cwd?: string;
  env: Record<string, string>;
  kind: ActionKind;
  /** Fully qualified `service.action` names this action waits for. */
  depends_on: string[];
  restart: RestartSpec;
  health?: HealthSpec;
  stop: StopSpec;
  /** Oneshot time limit (0 = none). */
  timeout_ms: number;
  tty: boolean;
  /** Resource limits, enforced through the job's cgroup. */
  limits?: Limits;
}

/** A service: a named set of actions with ordering and hard dependencies. */
export interface ServiceSpec {
  name: string;
  description: string;
  actions: ActionSpec[];
  /** Services to start before this one when both are started. */
  after: string[];
  /** Services this one needs: started with it, and stopping them stops it. */
  requires: string[];
  autostart: boolean;
}

/** Where a service definition came from. */
export type ServiceSource = "rpc" | "file";

/** Job states. */
export type JobState =
  | "pending"
  | "waiting_deps"
  | "starting"
  | "running"
  | "succeeded"
  | "failed"
  | "cancelled"
  | "timed_out"
  | "stopped";

/** States in which a job is over. */
export const FINAL_JOB_STATES: readonly JobState[] = [
  "succeeded",
  "failed",
  "cancelled",
  "timed_out",
  "stopped",
];

/** Health of a running process. */
export type HealthState = "unknown" | "healthy" | "unhealthy";

/** One execution of an action, or an ad-hoc command. */
export interface JobRecord {
  id: number;
  /** Empty for ad-hoc jobs. */
  service: string;
  action: string;
  command: string[];
  cwd: string | null;
  state: JobState;
  health: HealthState;
  pid: number | null;
  pgid: number | null;
  /** Kernel start time of the pid (clock ticks since boot), to recognise it after a restart. */
  pid_start: number | null;
  /** The job's hero_shim (holder of its output and exit status) and its start time. */
  shim_pid: number | null;
  shim_start: number | null;
  attempt: number;
  exit_code: number | null;
  signal: string | null;
  reason: string | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
}

/** The fully qualified name of an action. */
export function actionKey(service: string, action: string): string {
  return `${service}.${action}`;
}
