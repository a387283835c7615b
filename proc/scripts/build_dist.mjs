// Builds hero_proc and the SDK as plain JavaScript under proc/dist/<build>/ (types stripped with
// Node's own stripper, `.ts` imports rewritten to `.js`, `@hero/sdk` pointed at the copy), then
// points proc/dist/current at it. The daemon runs from there so it never loads the TypeScript
// stripper: that saves ~25 MB of resident memory. Each build goes to a fresh directory and the
// switch is one file write, so concurrent launchers never see half a build.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const procDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const sdkDir = path.dirname(fs.realpathSync(fileURLToPath(import.meta.resolve("@hero/sdk"))));
const distDir = path.join(procDir, "dist");
const currentFile = path.join(distDir, "current");
const uiDir = path.join(procDir, "..", "ui");
// The SDK's entry points (sdk/package.json "exports") as files of the build's copy.
const SDK_ENTRIES = {
  "": "mod.js",
  "/internal": "internal.js",
  "/levels": "src/logger/levels.js",
};

// The walks join paths by hand: they run at every launch, the daemon's included, and the few
// thousand path.join/relative calls they made were enough for V8 to compile path's internals
// with TurboFan during startup, whose code pages then stay resident (about 5 MB).

function sources() {
  const out = [];
  const walk = (dir, target) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(full, `${target}/${e.name}`);
      else if (
        e.name.endsWith(".ts") && !e.name.endsWith("_test.ts") && e.name !== "test_support.ts" &&
        e.name !== "deno.ts"
      ) {
        out.push({ src: full, rel: `${target}/${e.name.slice(0, -3)}.js` });
      }
    }
  };
  walk(`${procDir}/src`, "src");
  walk(`${sdkDir}/src`, "sdk/src");
  // The shared web UI code (theme, admin session) used by src/admin.
  walk(uiDir, "ui");
  out.push({ src: `${sdkDir}/mod.ts`, rel: "sdk/mod.js" });
  out.push({ src: `${sdkDir}/internal.ts`, rel: "sdk/internal.js" });
  return out;
}

/** Static files the admin UI serves next to its modules (browser JS, CSS), copied as they are. */
function assets() {
  const out = [];
  const walk = (dir, target) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(full, `${target}/${e.name}`);
      else if (/\.(js|css)$/.test(e.name)) out.push({ src: full, rel: `${target}/${e.name}` });
    }
  };
  const adminStatic = `${procDir}/src/admin/static`;
  if (fs.existsSync(adminStatic)) walk(adminStatic, "src/admin/static");
  walk(`${uiDir}/theme`, "ui/theme");
  return out;
}

/** The directory of the current build, or undefined when there is none or a source is newer. */
export function freshBuild() {
  let dir;
  try {
    dir = path.join(distDir, fs.readFileSync(currentFile, "utf8").trim());
    const built = fs.statSync(path.join(dir, ".built")).mtimeMs;
    const all = [...sources(), ...assets()];
    return all.every(({ src }) => fs.statSync(src).mtimeMs <= built) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Builds into a new directory, makes it current and removes older builds. */
export async function buildDist() {
  const { stripTypeScriptTypes } = await import("node:module");
  const id = `b${Date.now().toString(36)}${process.pid.toString(36)}`;
  const out = path.join(distDir, id);
  for (const { src, rel } of sources()) {
    const target = path.join(out, rel);
    let code = stripTypeScriptTypes(fs.readFileSync(src, "utf8"), { mode: "strip" });
    code = code.replace(/(["'])(\.{1,2}\/[^"'\n]+)\.ts\1/g, "$1$2.js$1");
    // src/** reaches the shared UI at <repo>/ui; in a build it sits at <build>/ui.
    code = code.replace(/(["'])((?:\.\.\/)+ui\/[^"'\n]+)\1/g, (m, q, rel) => {
      const abs = path.resolve(path.dirname(src), rel);
      if (!abs.startsWith(uiDir + path.sep)) return m;
      const inBuild = path.relative(
        path.dirname(target),
        path.join(out, "ui", path.relative(uiDir, abs)),
      );
      return `${q}${inBuild.startsWith(".") ? inBuild : `./${inBuild}`}${q}`;
    });
    // `@hero/sdk` and its entry points point at the copy: one left as it is would load the SDK's
    // .ts sources from node_modules, and with them the TypeScript stripper.
    code = code.replace(/(["'])@hero\/sdk(\/[\w-]+)?\1/g, (m, q, sub = "") => {
      const entry = SDK_ENTRIES[sub];
      if (!entry) return m;
      const rel = path.relative(path.dirname(target), path.join(out, "sdk", entry));
      return `${q}${rel.startsWith(".") ? rel : `./${rel}`}${q}`;
    });
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, code);
  }
  for (const { src, rel } of assets()) {
    const target = path.join(out, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(src, target);
  }
  fs.writeFileSync(path.join(out, "package.json"), '{ "type": "module" }\n');
  fs.writeFileSync(path.join(out, ".built"), new Date().toISOString());
  fs.writeFileSync(`${currentFile}.${id}`, id);
  fs.renameSync(`${currentFile}.${id}`, currentFile);
  // Older builds may still be loading in another process for a moment: keep the recent ones,
  // and those a running daemon still loads modules and assets from (see pinBuild).
  for (const e of fs.readdirSync(distDir)) {
    const full = path.join(distDir, e);
    if (e === id || !e.startsWith("b")) continue;
    if (Date.now() - fs.statSync(full).mtimeMs > 60_000 && !pinned(full)) {
      fs.rmSync(full, { recursive: true, force: true });
    }
  }
  return out;
}

/** Whether a live process has pinned the build in `dir`. */
function pinned(dir) {
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith(".pid.")) continue;
    try {
      process.kill(Number(name.slice(5)), 0);
      return true;
    } catch (err) {
      if (err.code === "EPERM") return true;
    }
  }
  return false;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  process.removeAllListeners("warning");
  console.log(await buildDist());
}
