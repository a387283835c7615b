/**
 * The isolated contexts of all callers, keyed by context id (the caller's identity once the
 * router forwards one). Contexts are opened on first use, the least recently used one is closed
 * when the limit is reached, idle ones are closed after a while, and all are dropped when the
 * browser crashes (the next call starts a fresh browser and a fresh context).
 */
import { HeroError } from "@hero/sdk";
import { BrowserSession } from "./browser_session.ts";
import { ChromiumHost } from "./chromium_host.ts";
import type { BrowserOptions } from "./options.ts";
import { UrlPolicy } from "./url_policy.ts";

/** Context ids: what a caller may name its context. */
export const CONTEXT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Receives the service's own events (crashes, contexts opened and closed). */
export type SessionsLog = (
  level: "info" | "warn" | "error",
  message: string,
  fields?: Record<string, unknown>,
) => void;

/** Every caller's context, over one Chromium. */
export class Sessions {
  readonly host: ChromiumHost;
  readonly policy: UrlPolicy;
  readonly options: BrowserOptions;
  readonly #sessions = new Map<string, Promise<BrowserSession>>();
  readonly #log: SessionsLog;
  readonly #reaper: ReturnType<typeof setInterval>;
  /** Contexts lost in the last crash, told once to their next caller. */
  readonly #lostInCrash = new Set<string>();

  /** Creates the registry; Chromium starts with the first context. */
  constructor(options: BrowserOptions, log: SessionsLog = () => {}) {
    this.options = options;
    this.policy = new UrlPolicy(options);
    this.#log = log;
    this.host = new ChromiumHost(options, {
      onCrash: ({ crashes, pid }) => {
        for (const id of this.#sessions.keys()) this.#lostInCrash.add(id);
        this.#sessions.clear();
        log("error", `Chromium (pid ${pid}) crashed; it starts again on the next call`, {
          crashes,
        });
      },
    });
    this.#reaper = setInterval(() => this.#reapIdle(), Math.min(60_000, options.idleContextMs));
    this.#reaper.unref?.();
  }

  /** The context of `id`, opened (and Chromium started) if needed. */
  get(id: string): Promise<BrowserSession> {
    if (!CONTEXT_ID.test(id)) {
      return Promise.reject(
        new HeroError("INVALID_PARAMS", `Invalid context id "${id}": use [A-Za-z0-9_-]{1,64}`),
      );
    }
    let pending = this.#sessions.get(id);
    if (pending) {
      // Most recently used last.
      this.#sessions.delete(id);
      this.#sessions.set(id, pending);
      return pending;
    }
    if (this.#sessions.size >= this.options.maxContexts) {
      const [oldest, victim] = this.#sessions.entries().next().value!;
      this.#sessions.delete(oldest);
      victim.then((s) => s.close(), () => {});
      this.#log("info", `closed context "${oldest}" (at most ${this.options.maxContexts})`);
    }
    pending = this.host.browser().then((b) =>
      BrowserSession.open(id, b, this.options, this.policy)
    );
    this.#sessions.set(id, pending);
    pending.catch(() => this.#sessions.get(id) === pending && this.#sessions.delete(id));
    return pending;
  }

  /** Whether `id` lost its context in a browser crash (reported once). */
  takeCrashNotice(id: string): boolean {
    return this.#lostInCrash.delete(id);
  }

  /** Closes the context of `id`, if open. */
  async close(id: string): Promise<boolean> {
    const pending = this.#sessions.get(id);
    if (!pending) return false;
    this.#sessions.delete(id);
    await pending.then((s) => s.close(), () => {});
    return true;
  }

  /** Ids of the open contexts. */
  ids(): string[] {
    return [...this.#sessions.keys()];
  }

  /** Closes every context and the browser. */
  async closeAll(): Promise<void> {
    clearInterval(this.#reaper);
    const all = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(all.map((p) => p.then((s) => s.close(), () => {})));
    await this.host.close({ final: true });
  }

  async #reapIdle(): Promise<void> {
    const cutoff = Date.now() - this.options.idleContextMs;
    for (const [id, pending] of this.#sessions) {
      const session = await pending.catch(() => undefined);
      if (session && session.lastUsed < cutoff && this.#sessions.get(id) === pending) {
        await this.close(id);
        this.#log("info", `closed idle context "${id}"`);
      }
    }
  }
}
