/**
 * Test support for pages in a real browser: Debian's Chromium through playwright-core (never a
 * downloaded one), and axe-core's WCAG 2 A/AA rules run on a page. The one place that says which
 * Chromium the tests run and with which flags (e2e/chromium.ts builds on it).
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import process from "node:process";
import { type Browser, chromium, type Page } from "playwright-core";
import { CHROMIUM_ARGS } from "../../browser/src/chromium/options.ts";

export { CHROMIUM_ARGS };

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** The Chromium binary `env` names: `HERO_CHROMIUM`, or where Debian installs it. */
export function chromiumPath(env: Record<string, string | undefined>): string {
  return env.HERO_CHROMIUM || "/usr/bin/chromium";
}

/** The Chromium the browser tests drive (`HERO_CHROMIUM` points elsewhere). */
export const CHROMIUM: string = chromiumPath(process.env);

/** Launches the tests' Chromium, headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Asserts axe-core finds no WCAG 2 A/AA violation on the page; names each offending element. */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    type Result = { violations: { id: string; help: string; nodes: { target: string[] }[] }[] };
    const axe = (globalThis as unknown as { axe: { run(o: unknown): Promise<Result> } }).axe;
    const out = await axe.run({
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return out.violations.map((v) =>
      `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`
    );
  });
  assert.deepEqual(violations, [], `${what}: axe-core violations`);
}
