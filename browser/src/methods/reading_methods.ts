/**
 * Reading the page: snapshot, take_screenshot, console_messages, network_requests, evaluate and
 * pdf_save — named and shaped like Playwright MCP's tools. Screenshots and PDFs are binary
 * results (`binarySchema`), which the router's MCP gateway returns as image and resource content.
 */
import { binarySchema, encodeBase64, HeroError } from "@hero/sdk";
import { browserMethod, type MethodDeps } from "./browser_method.ts";
import { assertNoDialog, locate, PAGE_STATE_SCHEMA, pageState } from "../chromium/page_state.ts";

const target = {
  name: "target",
  schema: {
    type: "string",
    description:
      "Exact target element reference from the page snapshot, or a unique element selector",
  },
};
const element = {
  name: "element",
  schema: {
    type: "string",
    description:
      "Human-readable element description used to obtain permission to interact with the element",
  },
};

const LEVELS = ["error", "warning", "info", "debug"];
/** Console message types by the most verbose level that includes them. */
const LEVEL_OF: Record<string, number> = { error: 0, assert: 0, warning: 1, info: 2, log: 2 };
const STATIC = new Set(["image", "font", "stylesheet", "script", "media", "manifest"]);

/** A value as JSON can carry it (what Playwright could not serialize comes back as text). */
function jsonSafe(value: unknown): unknown {
  if (value === undefined) return null;
  try {
    JSON.stringify(value);
    return value;
  } catch {
    return String(value);
  }
}

/** The reading methods. */
export function readingMethods(deps: MethodDeps) {
  return [
    browserMethod<{ target?: string; depth?: number; boxes?: boolean }>({
      name: "snapshot",
      summary: "Capture accessibility snapshot of the current page, this is better than screenshot",
      params: [
        target,
        {
          name: "depth",
          schema: {
            type: "integer",
            minimum: 1,
            description: "Limit the depth of the snapshot tree",
          },
        },
        {
          name: "boxes",
          schema: {
            type: "boolean",
            description: "Include each element's bounding box as [box=x,y,width,height] in the " +
              "snapshot. Coordinates are viewport-relative, in CSS pixels",
          },
        },
      ],
      result: { name: "page", schema: PAGE_STATE_SCHEMA },
      kind: "read",
      run: async ({ target, depth, boxes }, { session }) => {
        const tab = await session.tab();
        if (!target) return pageState(tab, { depth, boxes });
        assertNoDialog(tab);
        const locator = await locate(tab, target);
        return {
          url: tab.page.url(),
          title: await tab.page.title(),
          snapshot: await locator.ariaSnapshot({ mode: "ai", depth, boxes }),
        };
      },
    }, deps),
    browserMethod<{ target?: string; type?: string; fullPage?: boolean; scale?: string }>({
      name: "take_screenshot",
      summary: "Take a screenshot of the current page. You can't perform actions based on the " +
        "screenshot, use browser_snapshot for actions.",
      params: [
        element,
        target,
        {
          name: "type",
          schema: {
            type: "string",
            enum: ["png", "jpeg"],
            description: "Image format for the screenshot (default png).",
          },
        },
        {
          name: "fullPage",
          schema: {
            type: "boolean",
            description: "When true, takes a screenshot of the full scrollable page, instead of " +
              "the currently visible viewport. Cannot be used with element screenshots.",
          },
        },
        {
          name: "scale",
          schema: {
            type: "string",
            enum: ["css", "device"],
            description: "Image resolution scale (default css).",
          },
        },
      ],
      result: {
        name: "screenshot",
        schema: {
          type: "object",
          properties: {
            png: binarySchema("image/png"),
            jpeg: binarySchema("image/jpeg"),
            url: { type: "string" },
          },
        },
      },
      kind: "read",
      run: async ({ target, type, fullPage, scale }, { session }) => {
        if (target && fullPage) {
          throw new HeroError("INVALID_PARAMS", "fullPage cannot be used with an element target");
        }
        const tab = await session.tab();
        assertNoDialog(tab);
        const format = type === "jpeg" ? "jpeg" : "png";
        const opts = {
          type: format,
          scale: scale === "device" ? "device" : "css",
          fullPage,
          animations: "disabled",
        } as const;
        const bytes = target
          ? await (await locate(tab, target)).screenshot(opts)
          : await tab.page.screenshot(opts);
        return { [format]: encodeBase64(bytes), url: tab.page.url() };
      },
    }, deps),
    browserMethod<{ level?: string; all?: boolean }>({
      name: "console_messages",
      summary: "Returns all console messages",
      params: [
        {
          name: "level",
          schema: {
            type: "string",
            enum: LEVELS,
            description: "Level of the console messages to return. Each level includes the " +
              'messages of more severe levels. Defaults to "info".',
          },
        },
        {
          name: "all",
          schema: {
            type: "boolean",
            description: "Return all console messages since the beginning of the session, not " +
              "just since the last navigation. Defaults to false.",
          },
        },
      ],
      result: {
        name: "messages",
        schema: {
          type: "object",
          properties: {
            messages: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  type: { type: "string" },
                  text: { type: "string" },
                  location: { type: "string" },
                },
              },
            },
          },
        },
      },
      kind: "read",
      run: async ({ level, all }, { session }) => {
        const tab = await session.tab();
        const max = LEVELS.indexOf(level ?? "info");
        const messages = tab.console
          .filter((m) => (all || m.navigation === tab.navigation) && (LEVEL_OF[m.type] ?? 3) <= max)
          .map(({ type, text, location }) => ({ type, text, ...(location ? { location } : {}) }));
        return { messages };
      },
    }, deps),
    browserMethod<{ static?: boolean; filter?: string }>({
      name: "network_requests",
      summary: "Returns a numbered list of network requests since loading the page.",
      params: [
        {
          name: "static",
          schema: {
            type: "boolean",
            description: "Whether to include successful static resources like images, fonts, " +
              "scripts, etc. Defaults to false.",
          },
        },
        {
          name: "filter",
          schema: {
            type: "string",
            description: 'Only return requests whose URL matches this regexp (e.g. "/api/.*user").',
          },
        },
      ],
      result: {
        name: "requests",
        schema: {
          type: "object",
          properties: {
            requests: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  index: { type: "integer" },
                  method: { type: "string" },
                  url: { type: "string" },
                  resourceType: { type: "string" },
                  status: { type: "integer" },
                  failure: { type: "string" },
                },
              },
            },
          },
        },
      },
      kind: "read",
      run: async ({ static: withStatic, filter }, { session }) => {
        const tab = await session.tab();
        let re: RegExp | undefined;
        try {
          re = filter ? new RegExp(filter) : undefined;
        } catch (err) {
          throw new HeroError(
            "INVALID_PARAMS",
            `filter is not a valid regexp: ${(err as Error).message}`,
          );
        }
        const requests = tab.network
          .filter((r) => r.navigation === tab.navigation)
          .filter((r) =>
            withStatic || !STATIC.has(r.resourceType) || r.failure !== undefined ||
            (r.status ?? 0) >= 400
          )
          .filter((r) => !re || re.test(r.url))
          .map((r, index) => ({ index: index + 1, ...r, navigation: undefined }));
        return { requests };
      },
    }, deps),
    browserMethod<{ target?: string; function: string }>({
      name: "evaluate",
      summary: "Evaluate JavaScript expression on page or element",
      params: [
        element,
        target,
        {
          name: "function",
          required: true,
          schema: {
            type: "string",
            description:
              "() => { /* code */ } or (element) => { /* code */ } when element is provided",
          },
        },
      ],
      result: { name: "value", schema: { type: "object", properties: { result: {} } } },
      kind: "act",
      run: async ({ target, function: fn }, { session }) => {
        const tab = await session.tab();
        assertNoDialog(tab);
        const result = target
          ? await (await locate(tab, target)).evaluate(
            (el, src) => (0, eval)(`(${src})`)(el),
            fn,
          )
          : await tab.page.evaluate(`(${fn})()`);
        return { result: jsonSafe(result) };
      },
    }, deps),
    browserMethod<Record<string, never>>({
      name: "pdf_save",
      summary: "Save page as PDF",
      description: "Returns the page as a PDF file (an embedded resource through MCP).",
      params: [],
      result: {
        name: "pdf",
        schema: {
          type: "object",
          properties: { url: { type: "string" }, pdf: binarySchema("application/pdf") },
        },
      },
      kind: "read",
      run: async (_p, { session }) => {
        const tab = await session.tab();
        assertNoDialog(tab);
        const bytes = await tab.page.pdf();
        return { url: tab.page.url(), pdf: encodeBase64(bytes) };
      },
    }, deps),
  ];
}
