/**
 * Which URLs a page may load. Checked before a navigation (a clear error) and for every request
 * a page makes (refused requests are aborted), so redirects and subresources obey it too.
 * Patterns are globs over the whole URL (`*` any run of characters) or bare hosts
 * (`example.com`, `*.example.com`).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserOptions } from "./options.ts";

/** Undefined when `url` may be loaded, else the reason it may not. */
export type UrlVerdict = string | undefined;

/** Compiled allow/deny rules. */
export class UrlPolicy {
  readonly #allow: RegExp[];
  readonly #deny: RegExp[];
  readonly #allowFile: boolean;
  readonly #socketRoot: string;

  /** Compiles the patterns of `opts`. */
  constructor(opts: Pick<BrowserOptions, "allow" | "deny" | "allowFile" | "socketRoot">) {
    this.#allow = opts.allow.map(compile);
    this.#deny = opts.deny.map(compile);
    this.#allowFile = opts.allowFile;
    this.#socketRoot = path.resolve(opts.socketRoot);
  }

  /** Checks one URL (a navigation or any request of a page). */
  check(raw: string): UrlVerdict {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return `"${raw}" is not a valid URL`;
    }
    if (url.href === "about:blank") return undefined;
    switch (url.protocol) {
      case "http:":
      case "https:":
      case "data:":
      case "blob:":
        break;
      case "file:": {
        if (!this.#allowFile) {
          return "file:// URLs are refused (start the service with --allow-file)";
        }
        const file = path.resolve(fileURLToPath(url));
        if (file === this.#socketRoot || file.startsWith(this.#socketRoot + path.sep)) {
          return "the socket root is never reachable from a page";
        }
        break;
      }
      default:
        return `${url.protocol} URLs are refused`;
    }
    if (this.#deny.some((re) => re.test(url.href) || re.test(url.host))) {
      return `${url.href} matches the deny list`;
    }
    if (
      this.#allow.length > 0 && url.protocol !== "data:" && url.protocol !== "blob:" &&
      !this.#allow.some((re) => re.test(url.href) || re.test(url.host))
    ) {
      return `${url.href} is not on the allow list`;
    }
    return undefined;
  }
}

/** A glob (`*` = any characters) as an anchored, case-insensitive regular expression. */
function compile(pattern: string): RegExp {
  const body = pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${body}$`, "i");
}
