/**
 * Moving around: navigate, navigate_back, tabs, resize, wait_for and close — named and shaped
 * like Playwright MCP's tools of the same names (without their `filename` params: results come
 * back to the caller, nothing is written on the service's disk).
 */
import { HeroError } from "@hero/sdk";
import { browserMethod, type MethodDeps } from "./browser_method.ts";
import { assertNoDialog, PAGE_STATE_SCHEMA, pageState } from "../chromium/page_state.ts";
import type { Tab } from "../chromium/tab.ts";
import type { UrlPolicy } from "../chromium/url_policy.ts";

/** Opens `url` in the tab after checking it, and checks where redirects ended. */
export async function goTo(tab: Tab, url: string, policy: UrlPolicy): Promise<void> {
  const refused = policy.check(url);
  if (refused) throw new HeroError("URL_REFUSED", `Navigation refused: ${refused}`);
  try {
    await tab.page.goto(url, { waitUntil: "domcontentloaded" });
  } catch (err) {
    // A request the policy aborted mid-way (a redirect, with route checks on) says so.
    const why = policy.check(tab.page.url());
    if (why) throw new HeroError("URL_REFUSED", `Navigation refused: ${why}`);
    throw err;
  }
  const landed = policy.check(tab.page.url());
  if (landed) {
    await tab.page.goto("about:blank").catch(() => {});
    throw new HeroError("URL_REFUSED", `Navigation refused after a redirect: ${landed}`);
  }
  // Most pages finish loading quickly; one that does not is reported as it is.
  await tab.page.waitForLoadState("load", { timeout: 1000 }).catch(() => {});
}

/** The navigation methods. */
export function navigationMethods(deps: MethodDeps) {
  return [
    browserMethod<{ url: string }>({
      name: "navigate",
      summary: "Navigate to a URL",
      params: [{
        name: "url",
        required: true,
        schema: { type: "string", description: "The URL to navigate to" },
      }],
      result: { name: "page", schema: PAGE_STATE_SCHEMA },
      kind: "act",
      run: async ({ url }, { session, sessions }) => {
        const tab = await session.tab();
        await goTo(tab, url, sessions.policy);
        return pageState(tab);
      },
    }, deps),
    browserMethod<Record<string, never>>({
      name: "navigate_back",
      summary: "Go back to the previous page in the history",
      params: [],
      result: { name: "page", schema: PAGE_STATE_SCHEMA },
      kind: "act",
      run: async (_p, { session }) => {
        const tab = await session.tab();
        assertNoDialog(tab);
        await tab.page.goBack({ waitUntil: "domcontentloaded" });
        return pageState(tab);
      },
    }, deps),
    browserMethod<{ action: string; index?: number; url?: string }>({
      name: "tabs",
      summary: "List, create, close, or select a browser tab.",
      params: [
        {
          name: "action",
          required: true,
          schema: {
            type: "string",
            enum: ["list", "new", "close", "select"],
            description: "Operation to perform",
          },
        },
        {
          name: "index",
          schema: {
            type: "integer",
            minimum: 0,
            description: "Tab index, used for close/select. If omitted for close, " +
              "current tab is closed.",
          },
        },
        {
          name: "url",
          schema: {
            type: "string",
            description: "URL to navigate to in the new tab, used for new.",
          },
        },
      ],
      result: {
        name: "tabs",
        schema: {
          type: "object",
          properties: {
            tabs: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  index: { type: "integer" },
                  url: { type: "string" },
                  title: { type: "string" },
                  current: { type: "boolean" },
                },
              },
            },
          },
        },
      },
      kind: "act",
      run: async ({ action, index, url }, { session, sessions }) => {
        if (action === "new") {
          const tab = await session.newTab();
          if (url) await goTo(tab, url, sessions.policy);
        } else if (action === "close") {
          if (session.tabs.length > 0) await session.closeTab(index ?? session.current);
        } else if (action === "select") {
          if (index === undefined || !session.tabs[index]) {
            throw new HeroError("NO_SUCH_TAB", `There is no tab ${index ?? "(no index given)"}`);
          }
          session.current = index;
          await session.tabs[index].page.bringToFront();
        }
        const tabs = await Promise.all(session.tabs.map(async (t, i) => ({
          index: i,
          url: t.page.url(),
          title: t.dialog ? "" : await t.page.title().catch(() => ""),
          current: i === session.current,
        })));
        return { tabs };
      },
    }, deps),
    browserMethod<{ width: number; height: number }>({
      name: "resize",
      summary: "Resize the browser window",
      params: [
        {
          name: "width",
          required: true,
          schema: {
            type: "integer",
            minimum: 1,
            maximum: 8192,
            description: "Width of the browser window",
          },
        },
        {
          name: "height",
          required: true,
          schema: {
            type: "integer",
            minimum: 1,
            maximum: 8192,
            description: "Height of the browser window",
          },
        },
      ],
      result: {
        name: "size",
        schema: {
          type: "object",
          properties: { width: { type: "integer" }, height: { type: "integer" } },
        },
      },
      kind: "act",
      run: async ({ width, height }, { session }) => {
        const tab = await session.tab();
        await tab.page.setViewportSize({ width, height });
        return { width, height };
      },
    }, deps),
    browserMethod<{ time?: number; text?: string; textGone?: string }>({
      name: "wait_for",
      summary: "Wait for text to appear or disappear or a specified time to pass",
      params: [
        {
          name: "time",
          schema: {
            type: "number",
            minimum: 0,
            maximum: 30,
            description: "The time to wait in seconds, at most 30",
          },
        },
        { name: "text", schema: { type: "string", description: "The text to wait for" } },
        {
          name: "textGone",
          schema: { type: "string", description: "The text to wait for to disappear" },
        },
      ],
      result: { name: "page", schema: PAGE_STATE_SCHEMA },
      kind: "read",
      run: async ({ time, text, textGone }, { session }) => {
        if (time === undefined && text === undefined && textGone === undefined) {
          throw new HeroError("INVALID_PARAMS", "Give time, text or textGone");
        }
        const tab = await session.tab();
        assertNoDialog(tab);
        if (time !== undefined) await new Promise((r) => setTimeout(r, time * 1000));
        if (textGone !== undefined) {
          await tab.page.getByText(textGone).first().waitFor({ state: "hidden" });
        }
        if (text !== undefined) {
          await tab.page.getByText(text).first().waitFor({ state: "visible" });
        }
        return pageState(tab);
      },
    }, deps),
    browserMethod<Record<string, never>>({
      name: "close",
      summary: "Close the page",
      description: "Closes every tab of the context and the context itself (cookies, storage); " +
        "the next call starts a fresh one.",
      params: [],
      result: {
        name: "closed",
        schema: { type: "object", properties: { closed: { type: "boolean" } } },
      },
      kind: "act",
      run: async (_p, { session, sessions }) => ({ closed: await sessions.close(session.id) }),
    }, deps),
  ];
}
