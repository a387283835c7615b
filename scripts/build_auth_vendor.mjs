// Runs after `npm install` (postinstall): bundles hero_auth's third-party runtime
// (auth/src/vendor/vendor_entry.ts: oidc-provider with its Koa stack, Hono) into one file,
// node_modules/.cache/hero_auth/vendor.mjs, which auth/src/vendor/vendor.ts loads. One file
// instead of ~250 modules keeps hero_auth about 10 MB smaller (bench/results/auth.md).
// Never fails the install: without esbuild or on an error, hero_auth loads node_modules.
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

// oidc-provider builds two `Intl.ListFormat`s when loaded, for the wording of some error
// messages; that pages in ICU's locale data, about 6 MB of RSS for the life of the process.
// In the bundle they are built on first use. If the source no longer matches, it is kept as is.
const EAGER_LISTS =
  /^const (conjunction|disjunction) = new Intl\.ListFormat\(('en', \{ type: '\w+' \})\);$/gm;
const lazyLists = {
  name: "lazy-intl-lists",
  setup(build) {
    build.onLoad({ filter: /oidc-provider[\\/]lib[\\/]helpers[\\/]formatters\.js$/ }, (args) => {
      const src = fs.readFileSync(args.path, "utf8");
      const lazy = src.replace(
        EAGER_LISTS,
        (_, name, opts) =>
          `let ${name}$list; const ${name} = { format: (items) => ` +
          `(${name}$list ??= new Intl.ListFormat(${opts})).format(items) };`,
      );
      if (lazy === src) console.warn("hero_auth vendor bundle: oidc-provider's formatters changed");
      return { contents: lazy, loader: "js" };
    });
  },
};
const out = path.join(root, "node_modules", ".cache", "hero_auth", "vendor.mjs");

/** Builds the bundle; returns false (and says why) when it cannot. */
async function buildAuthVendor() {
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
      // Minified (V8 keeps every module's source text), but every class and function keeps its
      // name: oidc-provider looks token lifetimes up by class name.
      minify: true,
      keepNames: true,
      external: ["jose"],
      plugins: [lazyLists],
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
