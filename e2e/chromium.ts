/**
 * The whole-system browser tests' Chromium: the binary and flags of ui/test_support/chromium.ts,
 * one persistent profile in the test's temp dir, and the rule for skipping without a browser.
 */
import { existsSync } from "node:fs";
import { type BrowserContext, chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS } from "../ui/test_support/chromium.ts";

/**
 * Why the browser tests may be skipped, or false when they must run. On a CI machine (`CI` set
 * to anything but "" / "0" / "false") a missing Chromium is not a reason to skip: the tests run
 * and fail at launch, so a machine without a browser cannot pass them.
 */
export function chromiumSkip(
  executable: string,
  env: Record<string, string | undefined>,
): string | false {
  if (existsSync(executable)) return false;
  if (onCi(env)) return false;
  return `${executable} is not installed`;
}

/** Whether `env` says this is a CI run. */
export function onCi(env: Record<string, string | undefined>): boolean {
  const ci = env.CI?.trim().toLowerCase();
  return ci !== undefined && ci !== "" && ci !== "0" && ci !== "false";
}

/** Why the browser tests cannot run here, or false when they can (or must, on CI). */
export const chromiumMissing: string | false = chromiumSkip(CHROMIUM, process.env);

/** Launches Chromium headless with its profile in `profileDir`. */
export function launchChromium(
  profileDir: string,
  viewport: { width: number; height: number },
): Promise<BrowserContext> {
  if (!existsSync(CHROMIUM)) {
    const why = onCi(process.env) ? " (CI is set: browser tests fail rather than skip)" : "";
    return Promise.reject(new Error(`Cannot launch Chromium: ${CHROMIUM} is not installed${why}`));
  }
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
}
