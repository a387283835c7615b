/**
 * Test support for pages in a real browser: Debian's Chromium through playwright-core (never a
 * downloaded one), and axe-core's WCAG 2 A/AA rules run on a page.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { type Browser, chromium, type Page } from "playwright-core";
import { CHROMIUM_ARGS } from "../../browser/src/chromium/options.ts";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** Launches Debian's Chromium, headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

/** Asserts axe-core finds no WCAG 2 A/AA violation on the page. */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as {
      axe: { run(o: unknown): Promise<{ violations: { id: string; nodes: unknown[] }[] }> };
    }).axe;
    const out = await axe.run({
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return out.violations.map((v) => `${v.id} (${v.nodes.length})`);
  });
  assert.deepEqual(violations, [], `${what}: axe-core violations`);
}
