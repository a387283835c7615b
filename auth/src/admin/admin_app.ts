/**
 * hero_auth's admin UI on `admin.sock` (through hero_router at `/hero_auth/admin/`): users,
 * groups and members, OAuth clients, sessions, signing keys and the audit log, in the Hero
 * theme. Pages are rendered on the server from the same stores the RPC API uses; changes go
 * through `POST call/<method>`, which runs the RPC method itself, so the UI can do nothing the
 * API could not. Reading needs read access to hero_auth and changing write access, decided
 * from the caller its HeroServer resolved (the owner, or hero_router's verified assertion);
 * changes are recorded in the audit log under that caller's name.
 */
import { readFileSync } from "node:fs";
import { Hono } from "../vendor/vendor.ts";
import type { ConnectionInfo, RpcApi } from "@hero/sdk";
import { themeAsset } from "../../../ui/theme/theme_assets.ts";
import { callerPermits } from "@hero/sdk";
import { callerOf, forbidden, mutationProblem } from "../../../ui/session/admin_session.ts";
import type { AuthParts } from "../service_parts.ts";
import { ADMIN_PAGES, type AdminPageName, renderAdminPage } from "./admin_pages.ts";

/** What the admin UI needs besides the parts. */
export interface AdminOptions {
  /** The RPC API (changes run through it). */
  api: RpcApi;
  /** The service name access is checked against (`hero_auth`). */
  service: string;
}

const ADMIN_JS = readFileSync(new URL("./admin.js", import.meta.url));

type Env = { Bindings: ConnectionInfo };

/** The prefix the page is served under (`/hero_auth/admin` through the router, else ""). */
function prefixOf(request: Request): string {
  const p = request.headers.get("x-forwarded-prefix") ?? "";
  return /^(\/[A-Za-z0-9_.-]+)*$/.test(p) ? p.replace(/\/$/, "") : "";
}

/** Builds the admin app; `fetch` is the admin socket's handler. */
export function adminApp(
  p: AuthParts,
  opts: AdminOptions,
): { fetch: (r: Request, i: ConnectionInfo) => Promise<Response> } {
  const app = new Hono<Env>();
  app.use("*", async (c, next) => {
    if (!callerPermits(callerOf(c.req.raw, c.env), "read", opts.service)) {
      return forbidden(`hero_auth's admin needs read access to "${opts.service}"`);
    }
    await next();
    // No answer before what was written is committed (see GroupCommit).
    await p.commit.settled();
  });
  app.get("/css/hero.css", () => themeAsset("hero.css")!);
  app.get("/js/hero_ui.js", () => themeAsset("hero_ui.js")!);
  app.get(
    "/js/admin.js",
    () => new Response(ADMIN_JS, { headers: { "content-type": "text/javascript; charset=utf-8" } }),
  );
  app.post("/call/:method", async (c) => {
    const problem = mutationProblem(c.req.raw, c.env, opts.service);
    if (problem) return forbidden(problem);
    const params = await c.req.json().catch(() => undefined);
    if (params === undefined || typeof params !== "object") {
      return c.json({ error: "The body must be a JSON object of params" }, 400);
    }
    try {
      const result = await opts.api.call(c.req.param("method"), params, {
        method: c.req.param("method"),
        caller: callerOf(c.req.raw, c.env),
        signal: c.req.raw.signal,
      });
      return c.json({ result });
    } catch (err) {
      return c.json({ error: (err as Error).message }, 400);
    }
  });
  app.get("/", (c) => c.redirect(`${prefixOf(c.req.raw)}/users`, 303));
  app.get("/:page/:id?", (c) => {
    const name = c.req.param("page") as AdminPageName;
    if (!(name in ADMIN_PAGES)) return c.text("Not found", 404);
    const html = renderAdminPage(p, name, {
      id: c.req.param("id"),
      base: `${prefixOf(c.req.raw)}/`,
      query: c.req.query(),
    });
    if (html === undefined) return c.text("Not found", 404);
    return c.html(html, 200, { "cache-control": "no-store" });
  });
  return { fetch: (request, info) => Promise.resolve(app.fetch(request, info)) };
}
