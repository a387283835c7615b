/**
 * hero_proc's application error codes on the wire, and the one place where its local errors
 * become them. Validation failures use the standard invalid-params code (-32602).
 */
import { errorMapper, type ErrorSpec } from "@hero/sdk";

/** Application error codes. */
export const ProcErrorCode = {
  ServiceNotFound: -32010,
  JobNotFound: -32011,
  ServiceInUse: -32012,
  ServiceFromFile: -32013,
  JobNotCancellable: -32014,
  ShuttingDown: -32015,
  ActionNotFound: -32016,
  LogsDiskLow: -32020,
} as const;

/** Local error codes of hero_proc and their wire codes (other method groups add their own). */
export const LOCAL: Record<string, number> = {
  SERVICE_NOT_FOUND: ProcErrorCode.ServiceNotFound,
  JOB_NOT_FOUND: ProcErrorCode.JobNotFound,
  SERVICE_IN_USE: ProcErrorCode.ServiceInUse,
  SERVICE_FROM_FILE: ProcErrorCode.ServiceFromFile,
  JOB_NOT_CANCELLABLE: ProcErrorCode.JobNotCancellable,
  SHUTTING_DOWN: ProcErrorCode.ShuttingDown,
  ACTION_NOT_FOUND: ProcErrorCode.ActionNotFound,
  LOGS_DISK_LOW: ProcErrorCode.LogsDiskLow,
};

/** Error declarations for the OpenRPC document. */
export const ERRORS: Record<string, ErrorSpec> = {
  invalid: {
    code: -32602,
    message: "Invalid params or service definition (the message says which field)",
  },
  serviceNotFound: {
    code: ProcErrorCode.ServiceNotFound,
    message: "Unknown service (data.suggestion: closest name)",
  },
  jobNotFound: { code: ProcErrorCode.JobNotFound, message: "Unknown job" },
  serviceInUse: { code: ProcErrorCode.ServiceInUse, message: "Other services depend on this one" },
  serviceFromFile: {
    code: ProcErrorCode.ServiceFromFile,
    message: "Defined in a TOML file: edit it and reload",
  },
  jobNotCancellable: {
    code: ProcErrorCode.JobNotCancellable,
    message: "A service's job: stop the service instead",
  },
  shuttingDown: { code: ProcErrorCode.ShuttingDown, message: "hero_proc is shutting down" },
  actionNotFound: { code: ProcErrorCode.ActionNotFound, message: "Unknown action" },
};

/** Wraps a handler so hero_proc's local errors reach the client with their own codes. */
export const mapErrors = errorMapper(LOCAL);
