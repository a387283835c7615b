/**
 * The messages between the router's main event loop and its extra front loops (workers that
 * accept on the same port with `SO_REUSEPORT`). Only the main loop holds the gate, the
 * registry, the signing key and the metrics: a loop asks it where a request may go and keeps
 * the answers it may reuse; it reports what it relayed, for the metrics.
 */
import type { ForwardedCaller } from "../proxy/forward_headers.ts";

/** Sent once to a loop when it starts. */
export interface LoopInit {
  type: "init";
  hostname: string;
  port: number;
  /** The main loop's private app socket, for every request the fast path does not take. */
  appSocket: string;
  maxHeaderBytes: number;
  requestTimeoutMs: number;
  /** One Int32 that the main loop increments whenever a kept answer may have gone stale. */
  generation: SharedArrayBuffer;
}

/** A loop asks where a request goes (`head`: the received head bytes, `peer`: the TCP peer). */
export interface LoopAsk {
  type: "ask";
  id: number;
  head: Uint8Array;
  peer: string;
}

/** Where the fast path sends a request, as plain data. */
export interface WireRoute {
  /** The service socket's path. */
  socket: string;
  service: string;
  rest: string;
  prefix: string;
  caller?: ForwardedCaller;
  /** The 502 error text with `\0` where the reason goes. */
  badGateway: string;
}

/** The main loop's answer: a route (or none: to the app), and whether it may be reused. */
export interface LoopAnswer {
  type: "answer";
  id: number;
  route?: WireRoute;
  /** True when the same head from the same peer gets the same route until the generation moves. */
  reusable: boolean;
}

/** What a loop relayed since its last report: `[service, status, seconds]` triples, counts. */
export interface LoopTally {
  type: "tally";
  proxied: (string | number)[];
  fast: number;
  app: number;
}

/** Tells a loop to stop accepting and finish; it answers `{ type: "closed" }`. */
export interface LoopClose {
  type: "close";
}

/** A loop's listener is bound (or could not be). */
export interface LoopReady {
  type: "ready";
  error?: string;
}

/** Messages to a loop. */
export type ToLoop = LoopInit | LoopAnswer | LoopClose;
/** Messages from a loop. */
export type FromLoop = LoopAsk | LoopTally | LoopReady | { type: "closed" };
