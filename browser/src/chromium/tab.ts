/**
 * One tab of a session: its Playwright page plus what the page said since it opened (console
 * messages, page errors, network requests) and what it is waiting for (a dialog, a file chooser).
 */
import type { Dialog, FileChooser, Page } from "playwright-core";

/** A console message or an uncaught page error. */
export interface ConsoleEntry {
  type: string;
  text: string;
  location?: string;
  /** Counts the tab's navigations; messages of earlier pages have a lower number. */
  navigation: number;
}

/** One network request of the tab. */
export interface NetworkEntry {
  method: string;
  url: string;
  resourceType: string;
  status?: number;
  failure?: string;
  navigation: number;
}

const KEEP = 1000;

/** A page and its recorded history. */
export class Tab {
  readonly page: Page;
  readonly console: ConsoleEntry[] = [];
  readonly network: NetworkEntry[] = [];
  dialog?: Dialog;
  fileChooser?: FileChooser;
  /** Set when the renderer died (out of memory, or killed). */
  crashed = false;
  #navigation = 0;
  #dialogWaiters: (() => void)[] = [];

  /** Starts recording `page`. */
  constructor(page: Page) {
    this.page = page;
    page.on("console", (m) => {
      const loc = m.location();
      this.#keep(this.console, {
        type: m.type(),
        text: m.text(),
        location: loc.url ? `${loc.url}:${loc.lineNumber}` : undefined,
        navigation: this.#navigation,
      });
    });
    page.on("pageerror", (err) => {
      this.#keep(this.console, {
        type: "error",
        text: `Uncaught ${err.name}: ${err.message}`,
        navigation: this.#navigation,
      });
    });
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) this.#navigation++;
    });
    page.on("request", (r) => {
      this.#keep(this.network, {
        method: r.method(),
        url: r.url(),
        resourceType: r.resourceType(),
        navigation: this.#navigation,
      });
    });
    page.on("requestfinished", async (r) => {
      const entry = this.network.findLast((e) => e.url === r.url() && e.status === undefined);
      if (entry) entry.status = (await r.response().catch(() => null))?.status();
    });
    page.on("requestfailed", (r) => {
      const entry = this.network.findLast((e) => e.url === r.url() && e.status === undefined);
      if (entry) entry.failure = r.failure()?.errorText ?? "failed";
    });
    page.on("dialog", (d) => {
      this.dialog = d;
      for (const wake of this.#dialogWaiters.splice(0)) wake();
    });
    page.on("filechooser", (c) => {
      this.fileChooser = c;
    });
    page.on("crash", () => {
      this.crashed = true;
    });
  }

  /** Resolves when a dialog opens (a page showing one answers nothing else until it is closed). */
  dialogOpened(): Promise<void> {
    if (this.dialog) return Promise.resolve();
    return new Promise((resolve) => this.#dialogWaiters.push(resolve));
  }

  /** The number of the current navigation. */
  get navigation(): number {
    return this.#navigation;
  }

  #keep<T>(list: T[], entry: T): void {
    list.push(entry);
    if (list.length > KEEP) list.splice(0, list.length - KEEP);
  }
}
