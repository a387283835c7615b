/**
 * Entry of the single-file router (`deno task build:router`): presets the SDK's Deno adapter,
 * because a bundle cannot follow the SDK's computed adapter import, then runs the command line.
 */
import { runtime } from "../sdk/src/runtime/deno.ts";

(globalThis as Record<symbol, unknown>)[Symbol.for("hero.sdk.runtime")] = runtime;
// Loaded only now, so that the SDK sees the preset.
const { main } = await import("./main.ts");
Deno.exit(await main(Deno.args));
