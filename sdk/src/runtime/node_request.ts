/**
 * A web `Request` view of a Node `IncomingMessage` whose body was already read into memory.
 * Method, URL, headers, signal and the body readers are served straight from the message; a
 * real `Request` is built only if a handler touches anything else. Building a real Request for
 * every call costs more CPU than the whole JSON-RPC dispatch, hence this view.
 */
import { Buffer } from "node:buffer";
import type http from "node:http";
import { forwardToStandard } from "./standard_view.ts";
import { headersFromRaw, standardHeaders } from "./node_headers.ts";
import { OnceBody } from "./once_body.ts";

const EMPTY = new Uint8Array(0);

/** The view; `instanceof Request` holds, unknown members fall back to a real Request. */
class NodeRequestView {
  readonly #msg: http.IncomingMessage;
  readonly #bytes: Uint8Array<ArrayBuffer> | undefined;
  readonly #body: OnceBody;
  readonly #signal: () => AbortSignal;
  #headers?: Headers;
  #real?: Request;

  constructor(
    msg: http.IncomingMessage,
    bytes: Uint8Array<ArrayBuffer> | undefined,
    signal: () => AbortSignal,
  ) {
    this.#msg = msg;
    this.#bytes = bytes;
    this.#body = new OnceBody(bytes ?? EMPTY);
    this.#signal = signal;
  }

  get method(): string {
    return this.#msg.method ?? "GET";
  }

  get url(): string {
    return absoluteUrl(this.#msg);
  }

  get headers(): Headers {
    return this.#headers ??= headersFromRaw(this.#msg.rawHeaders);
  }

  get signal(): AbortSignal {
    return this.#signal();
  }

  get bodyUsed(): boolean {
    return this.#body.used || (this.#real?.bodyUsed ?? false);
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.toStandard().body;
  }

  async text(): Promise<string> {
    return this.#real ? await this.#real.text() : this.#body.text();
  }

  json(): Promise<unknown> {
    return this.text().then((t) => JSON.parse(t));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.#real ? await this.#real.arrayBuffer() : this.#body.arrayBuffer();
  }

  async bytes(): Promise<Uint8Array> {
    return this.#real ? await this.#real.bytes() : Buffer.from(this.#body.take());
  }

  /** The equivalent standard Request (built once). */
  toStandard(): Request {
    if (!this.#real) {
      this.#body.assertUnused();
      const m = this.method;
      this.#real = new Request(this.url, {
        method: m,
        headers: standardHeaders(this.headers),
        body: m === "GET" || m === "HEAD" ? undefined : this.#bytes,
        signal: this.#signal(),
      });
    }
    return this.#real;
  }
}

forwardToStandard(NodeRequestView, () => Request);

/** Wraps a fully-read Node request as a web Request; `signal` is called on first use only. */
export function requestFromNode(
  msg: http.IncomingMessage,
  bytes: Uint8Array<ArrayBuffer> | undefined,
  signal: () => AbortSignal,
): Request {
  return new NodeRequestView(msg, bytes, signal) as unknown as Request;
}

/**
 * The full URL of a request. Clients that talk to a Unix socket through a proxy setting (Deno's
 * `createHttpClient({ proxy: { transport: "unix" } })`) send the absolute form
 * (`POST http://localhost/rpc`); others send the origin form (`POST /rpc`).
 */
export function absoluteUrl(msg: { url?: string; headers: { host?: string } }): string {
  const target = msg.url ?? "/";
  if (/^https?:\/\//i.test(target)) return target;
  return `http://${msg.headers.host ?? "localhost"}${target}`;
}
