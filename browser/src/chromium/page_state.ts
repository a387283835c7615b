/**
 * What the caller sees of a tab after an action: its URL, title and accessibility snapshot
 * (playwright-core's `ariaSnapshot` in `ai` mode, whose `[ref=eN]` marks are the element
 * references the other methods take), or the dialog that blocks it. Also: turning a reference
 * or selector into a locator.
 */
import type { Locator } from "playwright-core";
import { HeroError } from "@hero/sdk";
import type { Tab } from "./tab.ts";

/** A tab's state as returned by most methods. */
export interface PageState {
  url: string;
  title: string;
  /** The accessibility snapshot with element references; absent while a dialog is open. */
  snapshot?: string;
  /** The dialog that blocks the page, to be answered with `handle_dialog`. */
  dialog?: { type: string; message: string };
}

/** The result schema of {@link PageState}. */
export const PAGE_STATE_SCHEMA = {
  type: "object",
  properties: {
    url: { type: "string" },
    title: { type: "string" },
    snapshot: { type: "string", description: "Accessibility snapshot; [ref=eN] marks targets" },
    dialog: {
      type: "object",
      properties: { type: { type: "string" }, message: { type: "string" } },
    },
  },
  required: ["url", "title"],
};

/** The tab's state; while a dialog is open only URL and dialog (the page answers nothing else). */
export async function pageState(tab: Tab, opts: { depth?: number; boxes?: boolean } = {}) {
  const page = tab.page;
  const blocked = tab.dialogOpened().then(() => undefined);
  const read = async (): Promise<PageState> => {
    const [title, snapshot] = await Promise.all([
      page.title(),
      page.ariaSnapshot({ mode: "ai", depth: opts.depth, boxes: opts.boxes }),
    ]);
    return { url: page.url(), title, snapshot };
  };
  const state = await Promise.race([read(), blocked]);
  if (state && !tab.dialog) return state;
  return { url: page.url(), title: "", dialog: dialogInfo(tab) };
}

/** The open dialog of a tab, for the caller. */
export function dialogInfo(tab: Tab): PageState["dialog"] {
  return tab.dialog ? { type: tab.dialog.type(), message: tab.dialog.message() } : undefined;
}

/** Refuses to act on a page blocked by a dialog. */
export function assertNoDialog(tab: Tab): void {
  if (!tab.dialog) return;
  throw new HeroError(
    "DIALOG_OPEN",
    `A ${tab.dialog.type()} dialog is open ("${tab.dialog.message()}"); ` +
      `answer it with handle_dialog first`,
  );
}

const REF = /^(f\d+)?e\d+$/;

/** A locator for a snapshot reference (`e12`) or a selector, checked to match one element. */
export async function locate(tab: Tab, target: string): Promise<Locator> {
  const isRef = REF.test(target);
  const locator = isRef ? tab.page.getByRef(target) : tab.page.locator(target);
  let count: number;
  try {
    count = await locator.count();
  } catch (err) {
    throw new HeroError("NO_SUCH_ELEMENT", `Cannot find "${target}": ${firstLine(err)}`);
  }
  if (count === 0) {
    throw new HeroError(
      "NO_SUCH_ELEMENT",
      isRef
        ? `Element ${target} is not in the page any more; take a new snapshot`
        : `No element matches "${target}"`,
    );
  }
  if (count > 1) {
    throw new HeroError("AMBIGUOUS_TARGET", `"${target}" matches ${count} elements; be precise`);
  }
  return locator;
}

/** The first line of an error message (Playwright appends long call logs). */
export function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split("\n")[0].replace(/^\w+\.\w+: /, "");
}
