#!/usr/bin/env node
/**
 * Fails when any package has an import cycle. Reads every .ts/.mts/.mjs/.js source under the
 * package folders, follows relative `import`/`export … from` specifiers (type-only ones too: a
 * cycle through a type still ties the files together for a reader), and prints each strongly
 * connected group of files. A hand parse, not the compiler: the whole tree takes well under a
 * second, where `deno info --json` per entry point takes several.
 *
 * `--folders` checks folders instead of files (non-test imports only): subsystems that reach
 * into each other. `npm test` runs both.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PACKAGES = [
  "sdk",
  "proc",
  "router",
  "ui",
  "browser",
  "auth",
  "collab",
  "examples",
  "e2e",
  "bench",
  "scripts",
];
// Folder cycles are checked everywhere but in these: their src/ wires its parts together and
// the parts import src/'s shared types back (file-level cycles are still refused there).
const FOLDER_EXEMPT = ["auth", "collab"].map((pkg) => path.join(ROOT, pkg) + path.sep);
const EXT = /\.(ts|mts|mjs|js)$/;
const SKIP_DIR = new Set(["node_modules", ".git", "dist", "npm", "screenshots", "results"]);
// `from "./x.ts"`, `import "./x.ts"`, `import("./x.ts")` — relative specifiers only.
const SPEC = /(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+)["']/g;

/** Every source file under `dir`. */
function sources(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP_DIR.has(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (EXT.test(e.name) && !e.name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

/** The relative imports of `file` that resolve to a source file. */
function imports(file) {
  const text = fs.readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, "");
  const out = new Set();
  for (const m of text.matchAll(SPEC)) {
    const target = path.resolve(path.dirname(file), m[1]);
    if (EXT.test(target) && fs.existsSync(target) && fs.statSync(target).isFile()) out.add(target);
  }
  return [...out];
}

/** Tarjan's strongly connected components with more than one file (or a self import). */
export function cycles(graph) {
  let index = 0;
  const idx = new Map(), low = new Map(), stack = [], on = new Set(), found = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const group = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

/** The graph of folders: one folder imports another when a non-test file of it does. */
function folderGraph(files) {
  const out = new Map();
  for (const [file, targets] of files) {
    if (FOLDER_EXEMPT.some((dir) => file.startsWith(dir))) continue;
    const from = path.dirname(file);
    if (!out.has(from)) out.set(from, []);
    if (/_test\.(ts|mjs)$/.test(file)) continue;
    for (const t of targets) {
      const to = path.dirname(t);
      if (to !== from && !out.get(from).includes(to)) out.get(from).push(to);
    }
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const graph = new Map();
  for (const pkg of PACKAGES) {
    const dir = path.join(ROOT, pkg);
    if (!fs.existsSync(dir)) continue;
    for (const f of sources(dir)) graph.set(f, imports(f));
  }
  const folders = process.argv.includes("--folders");
  const found = cycles(folders ? folderGraph(graph) : graph);
  const ms = (performance.now() - started).toFixed(0);
  if (found.length === 0) {
    console.log(`No import cycles (${graph.size} files, ${ms} ms)`);
  } else {
    for (const g of found) {
      console.error(
        `${folders ? "Folder" : "Import"} cycle: ${
          g.map((f) => path.relative(ROOT, f)).join(" <-> ")
        }`,
      );
    }
    console.error(`${found.length} import cycle(s) in ${graph.size} files`);
    process.exit(1);
  }
}
