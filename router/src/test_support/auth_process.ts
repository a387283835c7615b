/**
 * Test support: a real hero_auth (a Node child process, `auth/main.ts run`) on a router test's
 * socket root, with its issuer on the router's TCP origin, plus an RPC client to it as owner.
 */
import { RpcClient } from "@hero/sdk";
import { until } from "./fixtures.ts";
import type { RouterHarness } from "./router_harness.ts";

const REPO = new URL("../../../", import.meta.url).pathname;

/** A running hero_auth. */
export interface AuthProcess {
  issuer: string;
  rpc: RpcClient;
  /** Calls one of its methods as the owner. */
  call<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T>;
  /** Creates a user with a password in a new group with `roles`; returns the user id. */
  user(username: string, roles: string[]): Promise<string>;
  close(): Promise<void>;
}

/** Starts hero_auth for a router harness and waits until the router has discovered it. */
export async function startAuthProcess(harness: RouterHarness): Promise<AuthProcess> {
  const issuer = `${harness.base}/hero_auth/web_oidc`;
  const child = new Deno.Command(`${REPO}node_modules/node/bin/node`, {
    args: [
      "--disable-warning=ExperimentalWarning",
      `${REPO}auth/main.ts`,
      "run",
      "--issuer",
      issuer,
      "--db",
      `${harness.root}/auth.db`,
      "--owner",
      "boss",
    ],
    env: { PATH_SOCKET: harness.root, HERO_LOG_LEVEL: "error" },
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  await until(
    () =>
      harness.app.registry.get("hero_auth")?.openrpc?.methods?.some((m) =>
        m.name === "gate.identify"
      ),
    30_000,
    "hero_auth discovered",
  );
  const rpc = new RpcClient(`${harness.root}/hero_auth/rpc.sock`);
  const call = <T>(method: string, params: Record<string, unknown> = {}) =>
    rpc.call<T>(method, params);
  return {
    issuer,
    rpc,
    call,
    user: async (username, roles) => {
      const user = await call<{ id: string }>("users.create", {
        username,
        password: `${username}-password-1`,
      });
      const group = await call<{ id: string }>("groups.create", { name: `${username}s`, roles });
      await call("groups.add_member", { group_id: group.id, user_id: user.id });
      return user.id;
    },
    close: async () => {
      rpc.close();
      child.kill("SIGTERM");
      await child.status;
    },
  };
}
