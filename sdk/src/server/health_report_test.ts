/** The `/health` document: status, identity and uptime, plus a service's reason and detail. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { healthReport } from "./rpc_socket_handler.ts";

const manifest = {
  protocol: "openrpc" as const,
  name: "svc",
  title: "Svc",
  version: "1.0.0",
  description: "",
  socket: "rpc",
};

describe("healthReport", () => {
  it("carries the check's reason and detail, and only when given", async () => {
    const plain = await healthReport({ manifest, startedAt: Date.now() });
    assert.deepEqual(Object.keys(plain).sort(), ["service", "status", "uptime_s", "version"]);
    const detailed = await healthReport({
      manifest,
      startedAt: Date.now(),
      health: () => ({ status: "degraded", reason: "disk low", detail: { parts: [1, 2] } }),
    });
    assert.equal(detailed.status, "degraded");
    assert.equal(detailed.reason, "disk low");
    assert.deepEqual(detailed.detail, { parts: [1, 2] });
  });

  it("reports down with the error when the check throws", async () => {
    const r = await healthReport({
      manifest,
      startedAt: Date.now(),
      health: () => {
        throw new Error("store closed");
      },
    });
    assert.deepEqual([r.status, r.reason, r.detail], ["down", "store closed", undefined]);
  });
});
