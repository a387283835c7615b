/**
 * Starts hero_auth on its sockets: `rpc.sock` (the OpenRPC API, owner only), `admin.sock` (the
 * admin UI) and `web_oidc.sock` (the OpenID provider and its sign-in pages, reached through
 * hero_router at the issuer's path). Also creates the owner account on first start.
 */
import fs from "node:fs";
import path from "node:path";
import { HeroServer } from "@hero/sdk";
import { authApi } from "./api/auth_api.ts";
import { adminApp } from "./admin/admin_app.ts";
import { startGcPacer } from "./gc_pacer.ts";
import { ensureRouterClient } from "./oidc/router_client.ts";
import { openAuthDatabase } from "./store/database.ts";
import { type AuthParts, type AuthPartsOptions, buildAuthParts } from "./service_parts.ts";
import type { UserRow } from "./store/users.ts";

/** Options of {@link startAuthServer}. */
export interface AuthServerOptions extends AuthPartsOptions {
  /** SQLite file (`:memory:` for tests). */
  dbPath: string;
  /** Socket root. */
  socketRoot: string;
  /** Service name (default `hero_auth`). */
  name?: string;
  /** Username of the owner account created on first start (default `owner`). */
  ownerName?: string;
}

/** A running hero_auth. */
export interface RunningAuth {
  parts: AuthParts;
  server: HeroServer;
  /** Stops serving, sweeps expired rows and closes the database. */
  close(): Promise<void>;
}

/** The path of the issuer's web socket name. */
export const OIDC_SOCKET = "oidc";

/** Opens the database, makes sure the owner exists and binds the sockets. */
export async function startAuthServer(opts: AuthServerOptions): Promise<RunningAuth> {
  if (opts.dbPath !== ":memory:") fs.mkdirSync(path.dirname(opts.dbPath), { recursive: true });
  const db = openAuthDatabase(opts.dbPath);
  const parts = buildAuthParts(db, opts);
  ensureOwner(parts, opts.ownerName ?? "owner");
  await ensureRouterClient(parts);
  const api = authApi(parts);
  const server = new HeroServer({
    name: opts.name ?? "hero_auth",
    api,
    admin: adminApp(parts, { api, service: opts.name ?? "hero_auth" }).fetch,
    webNode: { [OIDC_SOCKET]: parts.host.listener as (req: unknown, res: unknown) => void },
    socketRoot: opts.socketRoot,
  });
  try {
    await server.start();
  } catch (err) {
    db.close();
    throw err;
  }
  const sweep = setInterval(() => parts.models.sweep(), 10 * 60_000);
  sweep.unref();
  const stopGcPacer = startGcPacer();
  return {
    parts,
    server,
    close: async () => {
      clearInterval(sweep);
      stopGcPacer();
      await server.close();
      parts.commit.commit();
      db.close();
    },
  };
}

/** Creates the owner account if there is none; returns it. */
export function ensureOwner(parts: AuthParts, username: string): UserRow {
  const existing = parts.users.owner();
  if (existing) return existing;
  const user = parts.users.create({ username, is_owner: true, display_name: "Owner" });
  parts.audit.append({
    event: "user.created",
    actor: "system",
    subject: user.id,
    detail: { owner: true },
  });
  return parts.users.mustRow(user.id);
}
