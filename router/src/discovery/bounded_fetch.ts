/**
 * Fetching small JSON documents from services that may be broken: every request shares one
 * deadline, bodies are read with a byte cap and a JSON depth cap, so a service that hangs,
 * trickles bytes, or answers with something huge or malformed costs at most the deadline.
 */
import { isHeroError } from "@hero/sdk";
import { jsonDepthExceeds, readStreamBounded } from "@hero/sdk/internal";
import { connectionError } from "../http/connection_error.ts";
import { headersFromPairs } from "../http/hop_by_hop.ts";
import type { UnixHttpClient } from "../http/unix_http_client.ts";

/** Limits of one probe fetch. */
export interface FetchLimits {
  /** Largest body read, in bytes. */
  maxBytes: number;
  /** Deepest JSON nesting accepted. */
  maxDepth: number;
}

/** A JSON body, or why there is none. */
export type JsonOutcome =
  | { ok: true; status: number; value: unknown }
  | { ok: false; error: string; connectFailed?: boolean };

/** GETs `path` over a Unix-socket client and parses a JSON body within the limits; never throws. */
export async function fetchJsonUnix(
  client: UnixHttpClient,
  path: string,
  signal: AbortSignal,
  limits: FetchLimits,
): Promise<JsonOutcome> {
  let res: Response;
  try {
    const r = await client.send({
      method: "GET",
      target: path,
      headers: [["host", "localhost"], ["accept", "application/json"]],
      body: null,
      signal,
    });
    res = new Response(r.body, { status: r.status, headers: headersFromPairs(r.headers) });
  } catch (err) {
    if (signal.aborted) return { ok: false, error: "timed out" };
    const refused = /refused|No such file|ENOENT|not found/i.test(String(err));
    return { ok: false, error: connectionError(err), connectFailed: refused };
  }
  return await parseBody(res, signal, limits);
}

/** GETs `url` and parses a JSON body within the limits; never throws. */
export async function fetchJson(
  url: string,
  init: { client?: Deno.HttpClient; signal: AbortSignal },
  limits: FetchLimits,
): Promise<JsonOutcome> {
  let res: Response;
  try {
    res = await fetch(url, {
      client: init.client,
      signal: init.signal,
      headers: { accept: "application/json" },
      redirect: "manual",
    });
  } catch (err) {
    if (init.signal.aborted) return { ok: false, error: "timed out" };
    return { ok: false, error: connectionError(err), connectFailed: true };
  }
  return await parseBody(res, init.signal, limits);
}

async function parseBody(
  res: Response,
  signal: AbortSignal,
  limits: FetchLimits,
): Promise<JsonOutcome> {
  const body = await readCapped(res, limits.maxBytes, signal);
  if (!body.ok) return body;
  const text = new TextDecoder().decode(body.bytes);
  if (jsonDepthExceeds(text, limits.maxDepth)) {
    return { ok: false, error: `JSON nested deeper than ${limits.maxDepth} levels` };
  }
  try {
    return { ok: true, status: res.status, value: JSON.parse(text) };
  } catch {
    return { ok: false, error: `HTTP ${res.status}, body is not JSON` };
  }
}

async function readCapped(
  res: Response,
  maxBytes: number,
  signal: AbortSignal,
): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; error: string }> {
  const declared = Number(res.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    return { ok: false, error: `document larger than ${maxBytes} bytes` };
  }
  if (!res.body) return { ok: true, bytes: new Uint8Array() };
  try {
    return { ok: true, bytes: await readStreamBounded(res.body, maxBytes) };
  } catch (err) {
    if (isHeroError(err, "BODY_TOO_LARGE")) {
      return { ok: false, error: `document larger than ${maxBytes} bytes` };
    }
    return { ok: false, error: signal.aborted ? "timed out" : connectionError(err) };
  }
}
