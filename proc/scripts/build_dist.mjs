// Builds proc/dist: hero_proc and the SDK as plain JavaScript (types stripped with Node's own
// stripper, `.ts` imports rewritten to `.js`, `@hero/sdk` pointed at the copy). The daemon runs
// from dist so it never loads the TypeScript stripper: that saves ~40 MB of resident memory.
// Rebuilt automatically by the launcher whenever a source file is newer than the build.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const procDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const sdkDir = path.dirname(fs.realpathSync(fileURLToPath(import.meta.resolve("@hero/sdk"))));
const distDir = path.join(procDir, "dist");
const uiDir = path.join(procDir, "..", "ui");
const stamp = path.join(distDir, ".built");

function sources() {
  const out = [];
  const walk = (root, dir, target) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(root, full, target);
      else if (
        e.name.endsWith(".ts") && !e.name.endsWith("_test.ts") && e.name !== "test_support.ts" &&
        e.name !== "deno.ts"
      ) {
        out.push({
          src: full,
          dest: path.join(target, path.relative(root, full)).replace(/\.ts$/, ".js"),
        });
      }
    }
  };
  walk(path.join(procDir, "src"), path.join(procDir, "src"), path.join(distDir, "src"));
  walk(sdkDir, path.join(sdkDir, "src"), path.join(distDir, "sdk"));
  // The shared web UI code (theme, admin session) used by src/admin.
  walk(uiDir, uiDir, path.join(distDir, "ui"));
  out.push({ src: path.join(sdkDir, "mod.ts"), dest: path.join(distDir, "sdk", "mod.js") });
  return out;
}

/** Static files the admin UI serves next to its modules (browser JS, CSS), copied as they are. */
function assets() {
  const out = [];
  const walk = (root, dir, target) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(root, full, target);
      else if (/\.(js|css)$/.test(e.name)) {
        out.push({ src: full, dest: path.join(target, path.relative(root, full)) });
      }
    }
  };
  const adminStatic = path.join(procDir, "src", "admin", "static");
  if (fs.existsSync(adminStatic)) {
    walk(adminStatic, adminStatic, path.join(distDir, "src", "admin", "static"));
  }
  walk(path.join(uiDir, "theme"), path.join(uiDir, "theme"), path.join(distDir, "ui", "theme"));
  return out;
}

/** True when dist exists and no source is newer than it. */
export function distIsFresh() {
  let built;
  try {
    built = fs.statSync(stamp).mtimeMs;
  } catch {
    return false;
  }
  return [...sources(), ...assets()].every(({ src }) => fs.statSync(src).mtimeMs <= built);
}

/** Builds dist (into a temp dir, then swapped in, so a concurrent reader never sees half a build). */
export async function buildDist() {
  const { stripTypeScriptTypes } = await import("node:module");
  const tmp = `${distDir}.tmp${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  for (const { src, dest } of sources()) {
    const target = path.join(tmp, path.relative(distDir, dest));
    let code = stripTypeScriptTypes(fs.readFileSync(src, "utf8"), { mode: "strip" });
    code = code.replace(/(["'])(\.{1,2}\/[^"'\n]+)\.ts\1/g, "$1$2.js$1");
    // src/** reaches the shared UI at <repo>/ui; in dist it sits at dist/ui.
    code = code.replace(/(["'])((?:\.\.\/)+ui\/[^"'\n]+)\1/g, (m, q, rel) => {
      const abs = path.resolve(path.dirname(src), rel);
      if (!abs.startsWith(uiDir + path.sep)) return m;
      const inDist = path.relative(
        path.dirname(dest),
        path.join(distDir, "ui", path.relative(uiDir, abs)),
      );
      return `${q}${inDist.startsWith(".") ? inDist : `./${inDist}`}${q}`;
    });
    const sdkMod = path.relative(path.dirname(dest), path.join(distDir, "sdk", "mod.js"));
    code = code.replace(
      /(["'])@hero\/sdk\1/g,
      `$1${sdkMod.startsWith(".") ? sdkMod : `./${sdkMod}`}$1`,
    );
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, code);
  }
  for (const { src, dest } of assets()) {
    const target = path.join(tmp, path.relative(distDir, dest));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(src, target);
  }
  fs.writeFileSync(path.join(tmp, "package.json"), '{ "type": "module" }\n');
  fs.writeFileSync(path.join(tmp, ".built"), new Date().toISOString());
  fs.rmSync(`${distDir}.old`, { recursive: true, force: true });
  if (fs.existsSync(distDir)) fs.renameSync(distDir, `${distDir}.old`);
  fs.renameSync(tmp, distDir);
  fs.rmSync(`${distDir}.old`, { recursive: true, force: true });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  process.removeAllListeners("warning");
  await buildDist();
  console.log(`built ${distDir}`);
}
