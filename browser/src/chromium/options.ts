/**
 * The browser service's limits and switches, with their defaults. One object is built at start
 * (from flags, see `main.ts`) and read by every part of the service.
 */

/** Everything that bounds what callers can make the browser do. */
export interface BrowserOptions {
  /** The Chromium binary (never downloaded). */
  executablePath: string;
  /** Most isolated contexts (callers) at once; the least recently used one is closed. */
  maxContexts: number;
  /** Most tabs per context. */
  maxTabs: number;
  /** Longest time one call may take, in milliseconds; a page that does not answer is closed. */
  callTimeoutMs: number;
  /** V8 heap limit of each page's renderer, in MiB (a page over it crashes, and is reported). */
  pageMemoryMb: number;
  /** URL patterns a navigation must match (empty = any http(s), about:blank or data: URL). */
  allow: string[];
  /** URL patterns refused even when allowed (checked first). */
  deny: string[];
  /** Allow file:// URLs (outside the socket root, which stays refused). Default false. */
  allowFile: boolean;
  /** Directories whose files `file_upload` may send; other paths are refused. */
  uploadDirs: string[];
  /** The socket root: never reachable from a page, whatever `allowFile` says. */
  socketRoot: string;
  /** Contexts unused for this long are closed, in milliseconds. */
  idleContextMs: number;
}

/** Chromium's flags: headless, no sandbox (containers), no traffic of its own. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The defaults, for a socket root. */
export function defaultOptions(socketRoot: string): BrowserOptions {
  return {
    executablePath: "/usr/bin/chromium",
    maxContexts: 16,
    maxTabs: 8,
    callTimeoutMs: 15_000,
    pageMemoryMb: 512,
    allow: [],
    deny: [],
    allowFile: false,
    uploadDirs: [],
    socketRoot,
    idleContextMs: 30 * 60_000,
  };
}
