/**
 * hero_auth's third-party runtime (oidc-provider, Koa, Hono), loaded from one bundled file when
 * `npm install` built it (scripts/build_auth_vendor.mjs), else from node_modules as usual.
 * Why: a Node process that imports oidc-provider module by module holds about 10 MB more
 * resident memory than one that imports the same code as one file (bench/results/auth.md):
 * Node's module loader runs hot over ~250 files, so V8's optimizing compilers are paged in
 * and their garbage stays in the heap; and the bundle builds oidc-provider's `Intl.ListFormat`s
 * on first use instead of at load (ICU's locale data, about 6 MB). Set HERO_AUTH_VENDOR=off
 * to load node_modules instead.
 */
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Where the install step writes the bundle (node_modules, never committed). */
export const VENDOR_BUNDLE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../node_modules/.cache/hero_auth/vendor.mjs",
);

type Vendor = typeof import("./vendor_entry.ts");

const ENTRY = fileURLToPath(new URL("./vendor_entry.ts", import.meta.url));
const mtime = (file: string) => fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;
// A bundle older than the entry (sources updated, `npm install` not run since) may lack an export.
const useBundle = process.env.HERO_AUTH_VENDOR !== "off" && mtime(VENDOR_BUNDLE) >= mtime(ENTRY);
const vendor: Vendor = useBundle
  ? await import(pathToFileURL(VENDOR_BUNDLE).href)
  : await import("./vendor_entry.ts");

/** oidc-provider's Provider class. */
export const Provider = vendor.Provider;
/** oidc-provider's error classes. */
export const errors = vendor.errors;
/** Hono's application class. */
export const Hono = vendor.Hono;
/** Hono's cookie reader. */
export const getCookie = vendor.getCookie;
/** @hono/node-server's adapter from a fetch handler to a Node request listener. */
export const getRequestListener = vendor.getRequestListener;
