/**
 * Test support: a tiny scripted browser over `fetch` (a cookie jar, manual redirects, form
 * fields read from the HTML), enough to walk hero_auth's sign-in pages the way a user does
 * without starting Chromium. The Chromium tests cover the same pages with a real browser.
 */

/** A page the browser landed on. */
export interface Landed {
  url: string;
  status: number;
  html: string;
}

/** A cookie-keeping client that follows redirects until `stopAt` matches. */
export class FormBrowser {
  readonly #cookies = new Map<string, string>();
  /** Extra headers on every request (`X-Forwarded-For` to pose as another IP). */
  headers: Record<string, string> = {};

  /** GETs `url`, following redirects until a page or a URL `stopAt` accepts. */
  get(url: string, stopAt?: (url: string) => boolean): Promise<Landed> {
    return this.#go(url, { method: "GET" }, stopAt);
  }

  /** POSTs a form to `url` and follows the redirects. */
  post(
    url: string,
    form: Record<string, string>,
    stopAt?: (url: string) => boolean,
  ): Promise<Landed> {
    return this.#go(url, {
      method: "POST",
      body: new URLSearchParams(form).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    }, stopAt);
  }

  /** The form action of the first form whose action contains `part`, as an absolute URL. */
  static action(page: Landed, part: string): string {
    for (const m of page.html.matchAll(/<form[^>]*action="([^"]+)"/g)) {
      const action = m[1].replace(/&#38;/g, "&");
      if (action.includes(part)) return new URL(action, page.url).href;
    }
    throw new Error(`No form with "${part}" on ${page.url}:\n${page.html.slice(0, 2000)}`);
  }

  /** Hidden inputs of the page (name -> value). */
  static hidden(page: Landed): Record<string, string> {
    const out: Record<string, string> = {};
    for (const m of page.html.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
      const name = /name="([^"]+)"/.exec(m[0])?.[1];
      const value = /value="([^"]*)"/.exec(m[0])?.[1] ?? "";
      if (name) out[name] = value;
    }
    return out;
  }

  async #go(url: string, init: RequestInit, stopAt?: (url: string) => boolean): Promise<Landed> {
    let current = url;
    let request = init;
    for (let hop = 0; hop < 20; hop++) {
      if (stopAt?.(current)) return { url: current, status: 0, html: "" };
      const res = await fetch(current, {
        ...request,
        redirect: "manual",
        headers: {
          ...(request.headers as Record<string, string>),
          ...this.headers,
          cookie: this.#cookieHeader(),
        },
      });
      for (const c of res.headers.getSetCookie()) this.#keep(c);
      const location = res.headers.get("location");
      if (res.status >= 300 && res.status < 400 && location) {
        await res.body?.cancel();
        current = new URL(location, current).href;
        request = { method: "GET" };
        continue;
      }
      return { url: current, status: res.status, html: await res.text() };
    }
    throw new Error(`Too many redirects from ${url}`);
  }

  #keep(setCookie: string): void {
    const [pair, ...attrs] = setCookie.split(";");
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) ||
      attrs.some((a) => /^\s*max-age=0\b/i.test(a));
    if (expired || value === "") this.#cookies.delete(name);
    else this.#cookies.set(name, value);
  }

  /** The cookies as a `Cookie` header value (to send them with plain `fetch`). */
  cookies(): string {
    return this.#cookieHeader();
  }

  #cookieHeader(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}
