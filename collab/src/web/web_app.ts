/**
 * hero_collab's web surface on admin.sock (at `/hero_collab/admin/` through hero_router), as one
 * Hono app: the client page and its modules, uploads and downloads, and the incoming-webhook
 * endpoint. Who calls is the SDK's `info.caller` (hero_router signs users in). The live
 * WebSocket (`/ws`) is an Upgrade handled beside it.
 */
import fs from "node:fs";
import { Hono } from "hono";
import { staticResponse, themeAsset } from "../../../ui/theme/theme_assets.ts";
import { type ConnectionInfo, isHeroError } from "@hero/sdk";
import { readBodyText, readStreamBounded } from "@hero/sdk/internal";
import type { CollabService } from "../collab_service.ts";
import { Files } from "../domain/files.ts";
import { collabError, toRpcError } from "../errors.ts";
import { parseIncoming } from "../integrations/webhook_payloads.ts";
import type { Caller } from "../identity/caller.ts";
import { EMOJI } from "../render/emoji.ts";
import { clientPage } from "./client_page.ts";
import { csrfOk, webCaller } from "./web_identity.ts";

/** What the web app needs. */
export interface WebAppOptions {
  svc: CollabService;
}

type Env = { Bindings: { info?: ConnectionInfo }; Variables: { caller: Caller } };

const MODULES = new Set([
  "app.js",
  "live.js",
  "views.js",
  "composer.js",
  "dialog.js",
  "collab.css",
]);
const EMOJI_JSON = JSON.stringify([...EMOJI.entries()]);

/** Builds the app; serve with `app.fetch(request, info)`. */
export function createWebApp(opts: WebAppOptions): Hono<Env> {
  const app = new Hono<Env>();
  const { svc } = opts;

  app.use("*", async (c, next) => {
    c.header("x-content-type-options", "nosniff");
    c.header("referrer-policy", "same-origin");
    await next();
  });
  // Incoming webhooks: the secret in the path is the credential (hero_router's gate has
  // already admitted the request when it comes over TCP).
  app.post("/hooks/:id/:secret", async (c) => {
    try {
      const body = await readBodyText(c.req.raw, 512 * 1024).catch((err) => {
        throw isHeroError(err, "BODY_TOO_LARGE")
          ? collabError("TOO_LARGE", "The payload is over 512 KiB")
          : err;
      });
      const payload = parseIncoming(body, c.req.header("content-type") ?? null);
      const message = svc.webhooks.receive(c.req.param("id"), c.req.param("secret"), payload);
      return c.json({ ok: true, message_id: message.id });
    } catch (err) {
      return errorResponse(err);
    }
  });
  app.get("/assets/hero.css", () => themeAsset("hero.css")!);
  app.get("/assets/hero_ui.js", () => themeAsset("hero_ui.js")!);
  app.get("/assets/:file", (c) => {
    const file = c.req.param("file");
    if (!MODULES.has(file)) return c.text("Not found", 404);
    const type = file.endsWith(".css")
      ? "text/css; charset=utf-8"
      : "text/javascript; charset=utf-8";
    return staticResponse(new URL(`./client/${file}`, import.meta.url), type);
  });
  app.get(
    "/emoji.json",
    (c) =>
      c.body(EMOJI_JSON, 200, {
        "content-type": "application/json",
        "cache-control": "public, max-age=3600",
      }),
  );

  // Everything below needs a user.
  app.use("*", async (c, next) => {
    const caller = webCaller(c.env?.info);
    if (!caller) return c.text("Sign in through hero_router first", 401);
    if (!csrfOk(c.req.raw, caller)) {
      return c.text("This request needs the X-Hero-CSRF: 1 header", 403);
    }
    c.set("caller", caller);
    await next();
  });
  app.get("/", (c) => {
    try {
      const actor = svc.actorOf(c.get("caller"));
      return c.html(
        clientPage({
          username: actor.username,
          admin: actor.admin,
          signOut: c.get("caller").via === "cookie",
        }),
      );
    } catch (err) {
      return errorResponse(err);
    }
  });
  app.post("/files", async (c) => {
    const channelId = c.req.query("channel_id") ?? "";
    const name = c.req.query("name") ?? "";
    try {
      const declared = Number(c.req.header("content-length") ?? NaN);
      if (declared > svc.limits.maxUploadBytes || !c.req.raw.body) {
        return c.json({
          error: `The upload is over the limit of ${svc.limits.maxUploadBytes} bytes`,
        }, declared > svc.limits.maxUploadBytes ? 413 : 400);
      }
      const bytes = await readStreamBounded(c.req.raw.body, svc.limits.maxUploadBytes);
      const file = await svc.files.upload(svc.actorOf(c.get("caller")), {
        channel_id: channelId,
        name,
        mime: c.req.header("content-type"),
        bytes,
      });
      return c.json(file, 201);
    } catch (err) {
      if (isHeroError(err, "BODY_TOO_LARGE")) {
        return c.json({
          error: `The upload is over the limit of ${svc.limits.maxUploadBytes} bytes`,
        }, 413);
      }
      return errorResponse(err);
    }
  });
  app.get("/files/:id/:kind{(preview|download)}/:name?", (c) => {
    try {
      const actor = svc.actorOf(c.get("caller"));
      const f = svc.files.get(actor, c.req.param("id"));
      const preview = c.req.param("kind") === "preview";
      if (preview && !f.has_preview) return c.text("No preview", 404);
      const path = preview ? svc.files.previewPath(f.sha256) : svc.files.blobPath(f.sha256);
      const inline = preview || Files.inline(f.mime);
      return new Response(fs.readFileSync(path), {
        headers: {
          "content-type": preview ? "image/webp" : inline ? f.mime : "application/octet-stream",
          "content-disposition": `${inline ? "inline" : "attachment"}; filename*=UTF-8''${
            encodeURIComponent(f.name)
          }`,
          "content-security-policy": "default-src 'none'; sandbox",
          "cache-control": "private, max-age=86400",
          "x-content-type-options": "nosniff",
          etag: `"${f.sha256}"`,
        },
      });
    } catch (err) {
      return errorResponse(err);
    }
  });
  return app;
}

/** A local error as an HTTP answer with the API's message. */
function errorResponse(err: unknown): Response {
  const wire = toRpcError(err) as {
    code?: number;
    message: string;
    data?: { retry_after_s?: number };
  };
  const status = wire.code === 4004
    ? 404
    : wire.code === 4003
    ? 403
    : wire.code === 4013
    ? 413
    : wire.code === 4029
    ? 429
    : wire.code === -32602
    ? 400
    : 500;
  const retry = wire.data?.retry_after_s;
  return Response.json({ error: wire.message, code: wire.code }, {
    status,
    headers: retry ? { "retry-after": String(Math.ceil(retry)) } : {},
  });
}
