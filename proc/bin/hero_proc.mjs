#!/usr/bin/env node
// Launcher of the hero_proc CLI: Node >= 22.18 runs the TypeScript sources directly.
import { run } from "../src/cli/main.ts";

process.removeAllListeners("warning");
process.on("warning", (w) => {
  if (w.name !== "ExperimentalWarning") console.warn(w);
});
await run();
