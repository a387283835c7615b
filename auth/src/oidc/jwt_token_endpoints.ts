/**
 * Revoking and introspecting hero_auth's JWT access tokens at the standard endpoints (RFC 7009,
 * RFC 7662). oidc-provider refuses JWT-shaped tokens there, as it keeps no record of them;
 * hero_auth does (see `OidcModelStore.recordIssued`), so a verified JWT is handed on as the
 * in-process handle of its record and the provider revokes or describes it like any token,
 * with its usual client authentication and policies.
 */
import * as querystring from "node:querystring";
import type { Middleware } from "koa";
import { jwtHandle, type OidcModelStore } from "../store/oidc_adapter.ts";

const ENDPOINTS = new Set(["/token/revocation", "/token/introspection"]);
/** The provider's own limit for form bodies. */
const MAX_BODY = 56 * 1024;

/** The provider middleware (run before its routes). */
export function jwtTokenEndpoints(models: OidcModelStore): Middleware {
  return async (ctx, next) => {
    if (
      ctx.method !== "POST" || !ENDPOINTS.has(ctx.path) ||
      !ctx.is("application/x-www-form-urlencoded")
    ) return await next();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) {
        ctx.status = 413;
        ctx.body = { error: "invalid_request", error_description: "request entity too large" };
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const form = querystring.parse(Buffer.concat(chunks).toString("utf8"));
    const token = form.token;
    if (typeof token === "string" && token.split(".").length === 3) {
      const jti = await models.jwtId?.(token);
      if (jti) form.token = jwtHandle(jti);
    }
    // The provider reads an already parsed body from `req.body`.
    (ctx.req as unknown as { body: unknown }).body = form;
    await next();
  };
}
