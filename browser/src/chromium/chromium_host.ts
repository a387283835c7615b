/**
 * The one Chromium process of the service, started on first use (never at service start) with
 * playwright-core from the Debian binary. When it dies unexpectedly the host reports a crash to
 * whoever was using it and starts a fresh one on the next use.
 */
import type { Browser } from "playwright-core";
import { chromium } from "playwright-core";
import { browserChildPids } from "./child_processes.ts";
import { CHROMIUM_ARGS } from "./options.ts";

/** What the host tells the rest of the service. */
export interface ChromiumHostEvents {
  /** The browser died without being asked to (all its contexts are gone). */
  onCrash?: (info: { crashes: number; pid?: number }) => void;
}

/** State shown in the service's health report. */
export interface ChromiumState {
  state: "not_started" | "starting" | "running" | "crashed";
  pid?: number;
  version?: string;
  crashes: number;
  launches: number;
}

/** Starts, watches and stops Chromium. */
export class ChromiumHost {
  readonly #executablePath: string;
  readonly #args: string[];
  readonly #events: ChromiumHostEvents;
  #browser?: Promise<Browser>;
  #current?: Browser;
  #pid?: number;
  #closing = false;
  #crashes = 0;
  #launches = 0;
  #crashed = false;

  /** `pageMemoryMb` caps the V8 heap of every renderer. */
  constructor(
    opts: { executablePath: string; pageMemoryMb: number },
    events: ChromiumHostEvents = {},
  ) {
    this.#executablePath = opts.executablePath;
    this.#args = [...CHROMIUM_ARGS, `--js-flags=--max-old-space-size=${opts.pageMemoryMb}`];
    this.#events = events;
  }

  /** The running browser, started now if it is not. */
  browser(): Promise<Browser> {
    if (this.#closing) return Promise.reject(new Error("the browser service is stopping"));
    this.#browser ??= this.#launch();
    return this.#browser;
  }

  /** Whether a browser process is up. */
  get running(): boolean {
    return this.#current?.isConnected() ?? false;
  }

  /** The process id of the running browser. */
  get pid(): number | undefined {
    return this.#current ? this.#pid : undefined;
  }

  /** For the health report. */
  state(): ChromiumState {
    const state = this.#current?.isConnected()
      ? "running"
      : this.#browser
      ? "starting"
      : this.#crashed
      ? "crashed"
      : "not_started";
    return {
      state,
      pid: this.pid,
      version: this.#current?.version(),
      crashes: this.#crashes,
      launches: this.#launches,
    };
  }

  /** Closes the browser (it is started again on next use unless the host is closing). */
  async close(opts: { final?: boolean } = {}): Promise<void> {
    if (opts.final) this.#closing = true;
    const pending = this.#browser;
    this.#browser = undefined;
    const browser = await pending?.catch(() => undefined);
    this.#current = undefined;
    await browser?.close().catch(() => {});
  }

  async #launch(): Promise<Browser> {
    const before = new Set(browserChildPids());
    let browser: Browser;
    try {
      browser = await chromium.launch({
        executablePath: this.#executablePath,
        headless: true,
        args: this.#args,
        // The service handles its own shutdown; Playwright must not install signal handlers.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
    } catch (err) {
      this.#browser = undefined;
      const why = err instanceof Error ? err.message.split("\n")[0] : String(err);
      throw new Error(`Cannot start Chromium (${this.#executablePath}): ${why}`);
    }
    this.#launches++;
    this.#crashed = false;
    this.#current = browser;
    const pid = browserChildPids().find((p) => !before.has(p));
    this.#pid = pid;
    browser.on("disconnected", () => {
      if (this.#current !== browser) return; // closed on purpose
      this.#current = undefined;
      this.#browser = undefined;
      this.#crashes++;
      this.#crashed = true;
      this.#events.onCrash?.({ crashes: this.#crashes, pid });
    });
    return browser;
  }
}
