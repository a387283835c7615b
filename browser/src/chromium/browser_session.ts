/**
 * One caller's isolated browser context (its own cookies, storage, cache and tabs), with the
 * tab limit and the URL policy applied to every page of it. Popups count as tabs; one over the
 * limit is closed at once.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { HeroError } from "@hero/sdk";
import type { BrowserOptions } from "./options.ts";
import { Tab } from "./tab.ts";
import type { UrlPolicy } from "./url_policy.ts";

/** A caller's context and its tabs. */
export class BrowserSession {
  readonly id: string;
  readonly context: BrowserContext;
  readonly tabs: Tab[] = [];
  current = -1;
  lastUsed = Date.now();
  readonly #opts: BrowserOptions;
  /** Tabs refused because the limit was reached (reported once, with the next action). */
  refusedPopups = 0;

  private constructor(id: string, context: BrowserContext, opts: BrowserOptions) {
    this.id = id;
    this.context = context;
    this.#opts = opts;
  }

  /** Opens a new isolated context in `browser`. */
  static async open(
    id: string,
    browser: Browser,
    opts: BrowserOptions,
    policy: UrlPolicy,
  ): Promise<BrowserSession> {
    const context = await browser.newContext({ acceptDownloads: false });
    context.setDefaultTimeout(opts.callTimeoutMs);
    context.setDefaultNavigationTimeout(opts.callTimeoutMs);
    const session = new BrowserSession(id, context, opts);
    // Every request is checked only when a rule could refuse one that Chromium itself lets
    // through (its own rules already keep http(s) pages away from file:// and chrome://).
    if (opts.allow.length || opts.deny.length || opts.allowFile) {
      await context.route("**/*", (route) => {
        const why = policy.check(route.request().url());
        return why ? route.abort("blockedbyclient") : route.continue();
      });
    }
    context.on("page", (page) => session.#adopt(page));
    return session;
  }

  /** The current tab, opening a first one if there is none. */
  async tab(): Promise<Tab> {
    this.lastUsed = Date.now();
    if (this.current < 0 || !this.tabs[this.current]) {
      await this.newTab();
    }
    const tab = this.tabs[this.current];
    if (tab.crashed) {
      await this.closeTab(this.current);
      throw new HeroError(
        "PAGE_CRASHED",
        `The page of this tab crashed (over the ${this.#opts.pageMemoryMb} MiB page memory ` +
          `limit, or killed); the tab was closed`,
      );
    }
    return tab;
  }

  /** Opens a tab and makes it current. */
  async newTab(): Promise<Tab> {
    if (this.tabs.length >= this.#opts.maxTabs) {
      throw new HeroError(
        "TAB_LIMIT",
        `Cannot open a tab: this context has ${this.tabs.length} of at most ` +
          `${this.#opts.maxTabs}; close one first`,
      );
    }
    const page = await this.context.newPage();
    const tab = this.tabs.find((t) => t.page === page) ?? this.#adopt(page)!;
    this.current = this.tabs.indexOf(tab);
    return tab;
  }

  /** Closes the tab at `index`; the current tab moves to a neighbour. */
  async closeTab(index: number): Promise<void> {
    const tab = this.tabs[index];
    if (!tab) throw new HeroError("NO_SUCH_TAB", `There is no tab ${index}`);
    this.tabs.splice(index, 1);
    if (this.current >= this.tabs.length) this.current = this.tabs.length - 1;
    await tab.page.close({ runBeforeUnload: false }).catch(() => {});
  }

  /** Closes the context and all its tabs. */
  async close(): Promise<void> {
    this.tabs.length = 0;
    this.current = -1;
    await this.context.close().catch(() => {});
  }

  #adopt(page: Page): Tab | undefined {
    const known = this.tabs.find((t) => t.page === page);
    if (known) return known;
    if (this.tabs.length >= this.#opts.maxTabs) {
      this.refusedPopups++;
      page.close({ runBeforeUnload: false }).catch(() => {});
      return undefined;
    }
    const tab = new Tab(page);
    this.tabs.push(tab);
    if (this.current < 0) this.current = 0;
    page.on("close", () => {
      const i = this.tabs.indexOf(tab);
      if (i < 0) return;
      this.tabs.splice(i, 1);
      if (this.current >= this.tabs.length) this.current = this.tabs.length - 1;
    });
    return tab;
  }
}
