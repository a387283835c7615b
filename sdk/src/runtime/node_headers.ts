/**
 * A web `Headers` view of a Node message's raw header list. `get` and `has` read the list
 * directly; anything else (iteration, changes) goes to a standard `Headers` built on first use.
 * The RPC path only ever asks for `content-length`, and building a standard `Headers` on Node
 * loads undici (about 11 MB resident) in a daemon that otherwise never needs it.
 */
import { forwardToStandard } from "./standard_view.ts";

/** Characters allowed in a header name (RFC 9110 token). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Whitespace that `Headers` strips around values. */
const EDGE_SPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/** The view; `instanceof Headers` holds, unknown members fall back to a real Headers. */
class NodeHeadersView {
  readonly #raw: readonly string[];
  #real?: Headers;

  constructor(raw: readonly string[]) {
    this.#raw = raw;
  }

  get(name: string): string | null {
    if (this.#real || !TOKEN.test(name)) return this.toStandard().get(name);
    const lower = name.toLowerCase();
    let value: string | null = null;
    for (let i = 0; i < this.#raw.length; i += 2) {
      if (this.#raw[i].toLowerCase() !== lower) continue;
      const v = this.#raw[i + 1].replace(EDGE_SPACE, "");
      value = value === null ? v : `${value}, ${v}`;
    }
    return value;
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  /** The equivalent standard Headers (built once; later changes go there). */
  toStandard(): Headers {
    if (!this.#real) {
      const h = new Headers();
      for (let i = 0; i < this.#raw.length; i += 2) h.append(this.#raw[i], this.#raw[i + 1]);
      this.#real = h;
    }
    return this.#real;
  }
}

forwardToStandard(NodeHeadersView, () => Headers);

/** Wraps a Node message's `rawHeaders` (name, value, name, value…) as web Headers. */
export function headersFromRaw(raw: readonly string[]): Headers {
  return new NodeHeadersView(raw) as unknown as Headers;
}

/** The standard Headers behind a view from {@link headersFromRaw} (or `headers` itself). */
export function standardHeaders(headers: Headers): Headers {
  return headers instanceof NodeHeadersView ? headers.toStandard() : headers;
}
