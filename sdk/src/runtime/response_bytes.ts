/**
 * Responses whose status, headers and whole body are known up front (every JSON-RPC reply).
 * They are `Response`s whose parts are kept as plain values: a real `Response` (with its
 * Headers object and body stream) is built only if something asks for more than status,
 * headers and body text. The Node adapter writes the kept parts straight to the socket,
 * which removes most of the per-request allocation on the RPC hot path; the Deno adapter
 * turns them into real Responses with {@link toStandardResponse} before `Deno.serve` sees them.
 */

import { OnceBody } from "./once_body.ts";
import { forwardToStandard } from "./standard_view.ts";

/** The parts of a response built by {@link bytesResponse}. */
export interface KnownResponse {
  status: number;
  headers: Record<string, string>;
  bytes: Uint8Array<ArrayBuffer>;
}

class BytesResponse {
  readonly #known: KnownResponse;
  readonly #body: OnceBody;
  #headers?: Headers;
  #real?: Response;

  constructor(known: KnownResponse) {
    this.#known = known;
    this.#body = new OnceBody(known.bytes);
  }

  /** The kept parts, unless the body was already consumed. */
  get known(): KnownResponse | undefined {
    return this.#body.used || this.#real ? undefined : this.#known;
  }

  get status(): number {
    return this.#known.status;
  }

  get ok(): boolean {
    return this.#known.status >= 200 && this.#known.status < 300;
  }

  get headers(): Headers {
    return this.#headers ??= new Headers(this.#known.headers);
  }

  get bodyUsed(): boolean {
    return this.#body.used || (this.#real?.bodyUsed ?? false);
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

  /** The equivalent standard Response (built once). */
  toStandard(): Response {
    if (!this.#real) {
      this.#body.assertUnused();
      this.#real = new Response(this.#known.bytes, {
        status: this.#known.status,
        headers: this.#headers ?? this.#known.headers,
      });
    }
    return this.#real;
  }
}

forwardToStandard(BytesResponse, () => Response);

/** A Response with `bytes` as its body and `content-length` set, its parts kept as values. */
export function bytesResponse(
  bytes: Uint8Array<ArrayBuffer>,
  init: { status?: number; headers?: Record<string, string> } = {},
): Response {
  const headers = { ...init.headers, "content-length": String(bytes.byteLength) };
  return new BytesResponse({ status: init.status ?? 200, headers, bytes }) as unknown as Response;
}

/** The kept parts of a response from {@link bytesResponse} whose body is untouched. */
export function knownResponseOf(response: Response): KnownResponse | undefined {
  return response instanceof BytesResponse ? response.known : undefined;
}

/** A standard Response for runtimes that require one (`Deno.serve` checks internal slots). */
export function toStandardResponse(response: Response): Response {
  return response instanceof BytesResponse ? response.toStandard() : response;
}
