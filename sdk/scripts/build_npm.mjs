// Builds the npm package of @hero/sdk into sdk/npm/: JavaScript (types stripped by Node's own
// stripper, `.ts` imports rewritten to `.js`) and `.d.ts` declarations (tsc), both from the same
// sources the repository runs unbuilt, plus a package.json whose exports point at them. Node does
// not strip types under node_modules, so an installed package must be JavaScript.
//   node sdk/scripts/build_npm.mjs        then   npm pack ./sdk/npm
import { execFileSync } from "node:child_process";
import process from "node:process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const sdk = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(sdk, "npm");

function sources() {
  const files = ["mod.ts", "internal.ts", "wire.ts"];
  const walk = (rel) => {
    for (const e of fs.readdirSync(path.join(sdk, rel), { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (e.name.endsWith(".ts") && !e.name.endsWith("_test.ts")) files.push(r);
    }
  };
  walk("src");
  return files;
}

/** Builds the package; returns its directory. */
export async function buildNpm() {
  const { stripTypeScriptTypes } = await import("node:module");
  fs.rmSync(out, { recursive: true, force: true });
  for (const rel of sources()) {
    let code = stripTypeScriptTypes(fs.readFileSync(path.join(sdk, rel), "utf8"), {
      mode: "strip",
    });
    code = code.replace(/(["'])(\.{1,2}\/[^"'\n]+)\.ts\1/g, "$1$2.js$1");
    const target = path.join(out, rel.replace(/\.ts$/, ".js"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, code);
  }
  // Declarations for everything but the Deno adapter (loaded only on Deno, typed by Deno).
  const tsc = path.join(sdk, "..", "node_modules", "typescript", "bin", "tsc");
  execFileSync(process.execPath, [tsc, "-p", path.join(sdk, "tsconfig.npm.json")], {
    stdio: "inherit",
  });
  // tsc keeps the `.ts` in the declarations' imports; the package ships `.js` beside `.d.ts`.
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith(".d.ts")) {
        const text = fs.readFileSync(full, "utf8");
        fs.writeFileSync(full, text.replace(/(["'])(\.{1,2}\/[^"'\n]+)\.ts\1/g, "$1$2.js$1"));
      }
    }
  };
  walk(out);
  const src = JSON.parse(fs.readFileSync(path.join(sdk, "package.json"), "utf8"));
  const pkg = {
    name: src.name,
    version: src.version,
    description:
      "Build Hero services: JSON-RPC 2.0 over Unix sockets with OpenRPC, health and discovery",
    license: "Apache-2.0",
    type: "module",
    exports: {
      ".": { types: "./mod.d.ts", default: "./mod.js" },
      "./auth": { types: "./src/auth/mod.d.ts", default: "./src/auth/mod.js" },
      "./internal": { types: "./internal.d.ts", default: "./internal.js" },
      "./levels": { types: "./src/logger/levels.d.ts", default: "./src/logger/levels.js" },
      "./wire": { types: "./wire.d.ts", default: "./wire.js" },
    },
    types: "./mod.d.ts",
    engines: src.engines,
    dependencies: src.dependencies,
  };
  fs.writeFileSync(path.join(out, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
  fs.copyFileSync(path.join(sdk, "README.md"), path.join(out, "README.md"));
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  console.log(await buildNpm());
}
