/**
 * How every browser method runs: the caller's context is found (the `context` param, until the
 * router forwards the caller's identity), the action runs under the time limit (a tab whose page
 * does not answer in time is closed), failures become clear errors (a browser crash says so),
 * and every action is logged to hero_proc under `browser.<context>.action`.
 */
import {
  type CallContext,
  defineMethod,
  HeroError,
  type HeroLogger,
  type MethodAnnotations,
  type MethodSpec,
  type ParamSpec,
  type ResultSpec,
  sourceSegment,
} from "@hero/sdk";
import type { Page } from "playwright-core";
import type { BrowserSession } from "../chromium/browser_session.ts";
import { firstLine } from "../chromium/page_state.ts";
import type { Sessions } from "../chromium/sessions.ts";

/** What an action gets besides its params. */
export interface ActionScope {
  session: BrowserSession;
  sessions: Sessions;
  ctx: CallContext;
}

/** A browser method: like `defineMethod`, with an action instead of a handler. */
export interface BrowserMethodSpec<P> {
  name: string;
  summary: string;
  description?: string;
  params: ParamSpec[];
  result: ResultSpec;
  /** `read` = read-only (the anchor's readOnlyHint); `act` = changes the page (destructive). */
  kind: "read" | "act";
  /** Run without the time limit's tab cut-off (the method bounds itself). */
  run: (params: P, scope: ActionScope) => Promise<unknown>;
}

/** What every method shares. */
export interface MethodDeps {
  sessions: Sessions;
  logger?: HeroLogger;
}

const CONTEXT_PARAM: ParamSpec = {
  name: "context",
  summary: 'Isolated browser context to act in (cookies, storage, tabs); default "default"',
  schema: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" },
};

/** The annotations of the anchor (Playwright MCP) for each kind of tool. */
const ANNOTATIONS: Record<"read" | "act", MethodAnnotations> = {
  read: { readOnlyHint: true, destructiveHint: false, openWorldHint: true },
  act: { readOnlyHint: false, destructiveHint: true, openWorldHint: true },
};

/** Builds the SDK method of a browser method. */
export function browserMethod<P>(
  spec: BrowserMethodSpec<P>,
  deps: MethodDeps,
): MethodSpec<P & { context?: string }, unknown> {
  return defineMethod<P & { context?: string }, unknown>({
    name: spec.name,
    summary: spec.summary,
    description: spec.description,
    params: [...spec.params, CONTEXT_PARAM],
    result: spec.result,
    annotations: ANNOTATIONS[spec.kind],
    handler: (params, ctx) => runAction(spec, deps, params, ctx),
  });
}

async function runAction<P>(
  spec: BrowserMethodSpec<P>,
  deps: MethodDeps,
  params: P & { context?: string },
  ctx: CallContext,
): Promise<unknown> {
  const { sessions } = deps;
  const id = params.context ?? "default";
  const log = deps.logger?.child(sourceSegment(id), "action");
  const started = Date.now();
  const crashesBefore = sessions.host.state().crashes;
  const lostContext = sessions.takeCrashNotice(id);
  const limit = sessions.options.callTimeoutMs;
  let session: BrowserSession | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    session = await sessions.get(id);
    const scope: ActionScope = { session, sessions, ctx };
    const { context: _, ...rest } = params;
    const timedOut = new Promise<never>((_resolve, reject) => {
      // Playwright's own timeout (the same limit) usually fires first; this one catches a
      // page that answers nothing at all (a script that never yields).
      timer = setTimeout(
        () => reject(new HeroError("TIMEOUT", `${spec.name} took longer than ${limit} ms`)),
        limit + 1000,
      );
    });
    const cancelled = new Promise<never>((_resolve, reject) => {
      ctx.signal.addEventListener("abort", () => {
        reject(new HeroError("CANCELLED", `${spec.name} was cancelled`));
      }, { once: true });
    });
    const result = await Promise.race([spec.run(rest as P, scope), timedOut, cancelled]);
    log?.info(spec.name, { ms: Date.now() - started, ...summary(params), ok: true });
    if (lostContext && result && typeof result === "object" && !Array.isArray(result)) {
      return { ...result, notice: CRASH_NOTICE };
    }
    return result;
  } catch (err) {
    const error = await explain(err, spec.name, limit, session, sessions, crashesBefore);
    log?.warn(spec.name, {
      ms: Date.now() - started,
      ...summary(params),
      ok: false,
      error: error.message,
    });
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

const CRASH_NOTICE =
  "The browser had crashed since this context's last call; this is a new, empty context";

/** Turns what an action threw into the error the caller gets, closing a hung tab. */
async function explain(
  err: unknown,
  method: string,
  limit: number,
  session: BrowserSession | undefined,
  sessions: Sessions,
  crashesBefore: number,
): Promise<HeroError> {
  if (sessions.host.state().crashes > crashesBefore) {
    return new HeroError(
      "BROWSER_CRASHED",
      `The browser crashed during ${method}; it starts again on the next call (with empty contexts)`,
    );
  }
  const tab = session?.tabs[session.current];
  if (tab?.crashed) {
    await session!.closeTab(session!.current);
    return new HeroError(
      "PAGE_CRASHED",
      `The page crashed during ${method} (over the ${sessions.options.pageMemoryMb} MiB page ` +
        `memory limit, or killed); its tab was closed`,
    );
  }
  const timedOut = (err instanceof HeroError && err.code === "TIMEOUT") ||
    (err instanceof Error && err.name === "TimeoutError");
  if (timedOut) {
    // A page that does not answer may never answer (and may burn a core): close its tab.
    if (tab && !(await answers(tab.page))) {
      await session!.closeTab(session!.current);
      return new HeroError(
        "TIMEOUT",
        `${method} took longer than the ${limit} ms limit; the tab was closed ` +
          `(its page does not answer)`,
      );
    }
    return new HeroError("TIMEOUT", `${method} took longer than the ${limit} ms limit`);
  }
  if (err instanceof HeroError) return err;
  return new HeroError("BROWSER_ERROR", `${method} failed: ${firstLine(err)}`);
}

/** Whether a page still runs scripts (a hung one does not answer within a second). */
async function answers(page: Page): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 1000)));
  try {
    return await Promise.race([page.evaluate("1").then(() => true, () => false), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The params worth logging (values cut short; typed text is not logged). */
function summary(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (key === "context" || key === "text" || key === "promptText") continue;
    const text = typeof value === "string" ? value : JSON.stringify(value);
    out[key] = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  }
  return out;
}
