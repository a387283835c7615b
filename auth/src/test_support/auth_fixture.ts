/**
 * Test support: a real hero_auth on Unix sockets in a temp dir, behind the test forwarder, with
 * helpers to call its RPC API.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { RpcClient } from "@hero/sdk";
import { type RunningAuth, startAuthServer } from "../auth_server.ts";
import type { AuthServerOptions } from "../auth_server.ts";
import { type Forwarder, startForwarder } from "./tcp_forwarder.ts";

/** A hero_auth under test. */
export interface AuthFixture {
  root: string;
  auth: RunningAuth;
  forwarder: Forwarder;
  issuer: string;
  rpc: RpcClient;
  /** Calls an RPC method. */
  call<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

/** Starts hero_auth in a fresh temp dir. */
export async function startAuthFixture(
  opts: Partial<AuthServerOptions> = {},
): Promise<AuthFixture> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "hero-auth-"));
  const forwarder = await startForwarder(root);
  const issuer = `${forwarder.origin}/hero_auth/web_oidc`;
  const auth = await startAuthServer({
    dbPath: path.join(root, "auth.db"),
    socketRoot: root,
    issuer,
    ...opts,
  });
  const rpc = new RpcClient(`${root}/hero_auth/rpc.sock`);
  return {
    root,
    auth,
    forwarder,
    issuer,
    rpc,
    call: <T>(method: string, params: Record<string, unknown> = {}) =>
      rpc.call(method, params) as Promise<T>,
    close: async () => {
      rpc.close();
      await auth.close();
      await forwarder.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
