/**
 * The third-party values hero_auth's server uses, in one module: scripts/build_auth_vendor.mjs
 * bundles it (with oidc-provider's Koa stack and Hono) into a single file, and
 * `vendor.ts` loads that bundle, or this module when it is missing. jose stays outside the
 * bundle: @hero/sdk loads it too, and one copy serves both.
 */
export { default as Provider, errors } from "oidc-provider";
export { getRequestListener } from "@hono/node-server";
export { Hono } from "hono";
export { getCookie } from "hono/cookie";
