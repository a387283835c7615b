/**
 * Names on the wire that programs speaking to Hero services share, without the rest of the
 * SDK: for code that must stay small, such as the router's extra front loops (each worker
 * loads what it imports).
 *
 * @example
 * ```ts
 * import { CALLER_HEADER } from "@hero/sdk/wire";
 * console.log(CALLER_HEADER); // "x-hero-caller"
 * ```
 * @module
 */
export { CALLER_HEADER } from "./src/caller/caller.ts";
export { RESERVED_SERVICE_NAMES } from "./src/socket/service_name.ts";
