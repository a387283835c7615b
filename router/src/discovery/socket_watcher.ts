/**
 * Watches the socket root for sockets appearing and disappearing, and reports the affected
 * service names in small debounced batches (a service binding three sockets is one refresh).
 */
import type { Logger } from "../log/logger.ts";

const DEBOUNCE_MS = 15;

/** A running watch; `close` stops it. */
export interface SocketWatcher {
  close(): void;
  /** False once the watch ended (e.g. the root was removed); discovery then starts a new one. */
  readonly alive: boolean;
}

/**
 * Watches `root` recursively; calls `onChange` with the names of services (first path segment
 * under the root) whose directory changed. Returns undefined if watching is not possible.
 */
export function watchSocketRoot(
  root: string,
  onChange: (names: string[]) => void,
  logger: Logger,
): SocketWatcher | undefined {
  let watcher: Deno.FsWatcher;
  try {
    watcher = Deno.watchFs(root, { recursive: true });
  } catch (err) {
    logger.warn(`cannot watch ${root} (${(err as Error).message}); relying on periodic scans`);
    return undefined;
  }
  const prefix = root.replace(/\/$/, "") + "/";
  const dirty = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let alive = true;
  const flush = () => {
    timer = undefined;
    const names = [...dirty];
    dirty.clear();
    onChange(names);
  };
  (async () => {
    for await (const event of watcher) {
      for (const path of event.paths) {
        if (!path.startsWith(prefix)) continue;
        const name = path.slice(prefix.length).split("/")[0];
        if (name) dirty.add(name);
      }
      if (dirty.size > 0 && !timer) timer = setTimeout(flush, DEBOUNCE_MS);
    }
  })().catch((err) => {
    if (!closed) logger.warn(`file watching stopped: ${err.message}`);
  }).finally(() => (alive = false));
  return {
    get alive() {
      return alive && !closed;
    },
    close: () => {
      closed = true;
      clearTimeout(timer);
      try {
        watcher.close();
      } catch { /* already closed */ }
    },
  };
}
