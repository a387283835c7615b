/**
 * `deno task build:router`: hero_router as one JavaScript file, run by the pinned Deno
 * (`deno run -A router/dist/hero_router.js serve`). `deno bundle` inlines the code and the npm
 * packages; the files the router serves (theme, dashboard scripts) are read at run time next
 * to their modules, which a bundle no longer has, so they are embedded here as a table that
 * `ui/theme/theme_assets.ts` reads first. `deno compile` (a self-contained binary) needs a
 * runtime download; see `deno task compile:router`.
 */
import { Buffer } from "node:buffer";

const repo = new URL("../../", import.meta.url);
const out = new URL(Deno.args[0] ?? "router/dist/hero_router.js", `file://${Deno.cwd()}/`);

/** Every served file, keyed by its path relative to the module that reads it. */
async function assets(): Promise<Record<string, string>> {
  const table: Record<string, string> = {};
  const add = async (dir: string, prefix: string, only?: (name: string) => boolean) => {
    for await (const e of Deno.readDir(new URL(dir, repo))) {
      if (!e.isFile || (only && !only(e.name))) continue;
      const key = `${prefix}${e.name}`;
      if (table[key]) throw new Error(`Two embedded files are both named ${key}`);
      table[key] = Buffer.from(await Deno.readFile(new URL(`${dir}${e.name}`, repo))).toString(
        "base64",
      );
    }
  };
  // ui/theme/theme_assets.ts reads `./<name>`; router/src/dashboard reads `./static/<name>`.
  await add("ui/theme/", "", (n) => /\.(css|js)$/.test(n));
  await add("router/src/dashboard/static/", "static/");
  return table;
}

const started = performance.now();
const tmp = await Deno.makeTempFile({ suffix: ".js" });
try {
  const bundle = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform", "deno", "-o", tmp, "router/single_file.ts"],
    cwd: repo,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!bundle.success) Deno.exit(bundle.code || 1);
  const code = await Deno.readTextFile(tmp);
  // Runs before the bundle's own code (import declarations are hoisted, statements are not).
  const preamble = `// hero_router as one file: built by router/scripts/build_single_file.ts\n` +
    `globalThis[Symbol.for("hero.assets")] = new Map(Object.entries(${
      JSON.stringify(await assets())
    }).map(([k, v]) => [new URL(k, import.meta.url).href, v]));\n`;
  await Deno.mkdir(new URL(".", out), { recursive: true });
  await Deno.writeTextFile(out, preamble + code);
  const size = (await Deno.stat(out)).size;
  console.log(
    `hero_router: ${out.pathname} (${(size / 1024 / 1024).toFixed(2)} MB) in ${
      Math.round(performance.now() - started)
    } ms; run it with: deno run --allow-all ${out.pathname} serve`,
  );
} finally {
  await Deno.remove(tmp).catch(() => {});
}
