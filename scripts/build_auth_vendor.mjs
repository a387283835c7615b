// Runs after `npm install` (postinstall): bundles hero_auth's third-party runtime
// (auth/src/vendor/vendor_entry.ts: oidc-provider with its Koa stack, Hono) into one file,
// node_modules/.cache/hero_auth/vendor.mjs, which auth/src/vendor/vendor.ts loads. One file
// instead of ~250 modules keeps hero_auth about 10 MB smaller (bench/results/auth.md).
// Never fails the install: without esbuild or on an error, hero_auth loads node_modules.
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const out = path.join(root, "node_modules", ".cache", "hero_auth", "vendor.mjs");

/** Builds the bundle; returns false (and says why) when it cannot. */
export async function buildAuthVendor() {
  let esbuild;
  try {
    esbuild = await import("esbuild");
  } catch {
    console.warn("hero_auth vendor bundle not built: esbuild is not installed");
    return false;
  }
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    await esbuild.build({
      entryPoints: [path.join(root, "auth/src/vendor/vendor_entry.ts")],
      outfile: tmp,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node22",
      // Whitespace and syntax only, and every class and function keeps its name: oidc-provider
      // looks token lifetimes up by class name, which a bundle would otherwise rename.
      minifyWhitespace: true,
      minifySyntax: true,
      keepNames: true,
      external: ["jose"],
      // The CommonJS parts of Koa's stack require Node's built-in modules.
      banner: {
        js: 'import { createRequire as __heroRequire } from "node:module"; ' +
          "const require = __heroRequire(import.meta.url);",
      },
      logLevel: "warning",
    });
    fs.renameSync(tmp, out);
    return true;
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    console.warn(`hero_auth vendor bundle not built: ${err.message}`);
    return false;
  }
}

if (import.meta.main) await buildAuthVendor();
