#!/usr/bin/env node
// Launcher of the hero_proc CLI. It runs the JavaScript build in ../dist (rebuilt here whenever
// a source is newer), so the long-lived daemon never loads the TypeScript stripper; set
// HERO_PROC_FROM_SOURCE=1 to run the .ts sources directly (Node >= 22.18 strips types).
import process from "node:process";

process.on("warning", (w) => {
  if (w.name !== "ExperimentalWarning") console.warn(w);
});
process.removeAllListeners("warning");

async function load() {
  if (!process.env.HERO_PROC_FROM_SOURCE) {
    try {
      const { distIsFresh } = await import("../scripts/build_dist.mjs");
      if (!distIsFresh()) {
        // Build in a separate process, so this one never loads the TypeScript stripper.
        const { spawnSync } = await import("node:child_process");
        const script = new URL("../scripts/build_dist.mjs", import.meta.url).pathname;
        const r = spawnSync(process.execPath, [script], { stdio: ["ignore", "ignore", "inherit"] });
        if (r.status !== 0) throw new Error(`build failed with status ${r.status}`);
      }
      return await import("../dist/src/cli/main.js");
    } catch (err) {
      if (process.env.HERO_PROC_DEBUG) console.error("hero_proc: running from source:", err);
    }
  }
  return await import("../src/cli/main.ts");
}

await (await load()).run();
