/**
 * The deploy methods' errors on the wire: deploy codes get their own wire codes with the
 * error's details, hero_proc's other local codes and validation failures keep theirs.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { after, describe, it } from "node:test";
import { type CallContext, HeroError, RpcError, RpcErrorCode } from "@hero/sdk";
import { ProcErrorCode } from "../errors/proc_errors.ts";
import type { Supervisor } from "../supervisor/supervisor.ts";
import { tempDir } from "../test_support.ts";
import { DeployErrorCode, deployMethods } from "./deploy_methods.ts";

/** A supervisor that knows only the service "web" (an RPC-defined one). */
const sup = {
  service(name: string) {
    if (name !== "web") throw new HeroError("SERVICE_NOT_FOUND", `Unknown service "${name}"`);
    return { spec: { actions: [] }, source: "rpc" };
  },
} as unknown as Supervisor;

describe("deploy methods' errors", () => {
  const t = tempDir("hero_proc_deploy_rpc_");
  after(() => t.cleanup());
  const methods = deployMethods(() => sup, path.join(t.dir, "deploy"));
  const call = (name: string, params: Record<string, unknown>) =>
    methods.find((m) => m.name === name)!.handler(params, {} as CallContext);
  const rejects = async (p: Promise<unknown>, code: number, data: Record<string, unknown>) => {
    const err = await p.then(() => assert.fail("no error"), (e) => e);
    assert.ok(err instanceof RpcError, String(err));
    assert.equal(err.code, code, err.message);
    assert.deepEqual(err.data, data);
    return err;
  };

  it("maps a deploy error to its own code", async () => {
    const err = await rejects(call("deploy.get", { service: "web" }), -32033, {
      code: "DEPLOY_NOT_FOUND",
    });
    assert.equal(err.message, `"web" was never deployed`);
  });

  it("keeps the details of a deploy error (the deploy under way)", async () => {
    const repo = path.join(t.dir, "no-such-repo");
    const first = await call("deploy.start", { service: "web", repo }) as { id: number };
    await rejects(call("deploy.start", { service: "web", repo }), DeployErrorCode.DEPLOY_BUSY, {
      code: "DEPLOY_BUSY",
      busy: first.id,
    });
    const end = await call("deploy.get", { service: "web", id: first.id, wait_ms: 25_000 });
    assert.equal((end as { state: string }).state, "failed");
  });

  it("maps hero_proc's other local errors and validation failures as elsewhere", async () => {
    await rejects(
      call("deploy.start", { service: "nosuch", repo: "x" }),
      ProcErrorCode.ServiceNotFound,
      { code: "SERVICE_NOT_FOUND" },
    );
    await rejects(call("deploy.get", { service: "Bad Name" }), RpcErrorCode.InvalidParams, {
      code: "VALIDATION_FAILED",
    });
  });
});
