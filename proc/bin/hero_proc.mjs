#!/usr/bin/env node
// Launcher of the hero_proc CLI. It runs the JavaScript build in ../dist (rebuilt here whenever
// a source is newer), so the long-lived daemon never loads the TypeScript stripper; set
// HERO_PROC_FROM_SOURCE=1 to run the .ts sources directly (Node >= 22.18 strips types).
import process from "node:process";
import { pathToFileURL } from "node:url";
import { nodeVersionProblem } from "./node_version.mjs";

const tooOld = nodeVersionProblem(process.versions.node, process.execPath);
if (tooOld) {
  console.error(tooOld);
  process.exit(1);
}

process.removeAllListeners("warning");
process.on("warning", (w) => {
  if (w.name !== "ExperimentalWarning") console.warn(w);
});

async function load() {
  if (!process.env.HERO_PROC_FROM_SOURCE) {
    try {
      const { freshBuild } = await import("../scripts/build_dist.mjs");
      let dir = freshBuild();
      if (!dir) {
        // Build in a separate process, so this one never loads the TypeScript stripper.
        const { spawnSync } = await import("node:child_process");
        const script = new URL("../scripts/build_dist.mjs", import.meta.url).pathname;
        const r = spawnSync(process.execPath, [script], {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "inherit"],
        });
        if (r.status !== 0) throw new Error(`build failed with status ${r.status}`);
        dir = r.stdout.trim();
      }
      return await import(pathToFileURL(`${dir}/src/cli/main.js`).href);
    } catch (err) {
      if (process.env.HERO_PROC_DEBUG) console.error("hero_proc: running from source:", err);
    }
  }
  return await import("../src/cli/main.ts");
}

await (await load()).run();
