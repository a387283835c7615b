/**
 * OpenTelemetry on the real system, received by an OTLP/HTTP receiver in this process: with
 * `OTEL_EXPORTER_OTLP_ENDPOINT` set, hero_router (Deno's built-in OpenTelemetry) and hero_proc
 * (the OpenTelemetry JS SDK) export. A request that arrives with a browser's `traceparent`
 * makes one trace: the router's span continues it, hero_proc's method span is its child
 * (through the proxy); an MCP tool call gets a router span with hero_proc's method span under
 * it; hero_proc's captured log lines arrive as log records with service, job, level, source.
 */
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import { type RunningSystem, startSystem, systemIn } from "../scripts/start_system.ts";
import { type OtlpReceiver, startOtlpReceiver } from "./fixtures/otlp_receiver.ts";
import { callTool } from "./fixtures/mcp_call.ts";

const OTEL_ENV = [
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "OTEL_EXPORTER_OTLP_PROTOCOL",
  "OTEL_BSP_SCHEDULE_DELAY",
  "OTEL_BLRP_SCHEDULE_DELAY",
];

describe("OpenTelemetry: a trace spans router → service; hero_proc's logs arrive", () => {
  let dir: string;
  let system: RunningSystem;
  let receiver: OtlpReceiver;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "hero-otel-e2e-"));
    receiver = await startOtlpReceiver();
    // hero_proc runs in this process (startSystem) and passes its environment to the router.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = "http/json";
    process.env.OTEL_BSP_SCHEDULE_DELAY = "200";
    process.env.OTEL_BLRP_SCHEDULE_DELAY = "200";
    system = await startSystem(systemIn(dir));
  });

  after(async () => {
    await system?.close();
    for (const k of OTEL_ENV) delete process.env[k];
    await receiver?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("continues the browser's traceparent through the router's proxy into hero_proc", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const browserSpan = "00f067aa0ba902b7";
    const res = await fetch(`${system.origin}/hero_proc/rpc/rpc`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${system.token}`,
        "content-type": "application/json",
        traceparent: `00-${traceId}-${browserSpan}-01`,
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "system.info", params: {} }),
    });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /instance_id/);
    const router = await receiver.waitForSpan((s) =>
      s.traceId === traceId && s.service === "hero_router" && s.parentSpanId === browserSpan
    );
    assert.equal(router.name, "POST /hero_proc/rpc/*");
    assert.equal(router.attributes["hero.service"], "hero_proc");
    const proc = await receiver.waitForSpan((s) =>
      s.traceId === traceId && s.service === "hero_proc" && s.name === "system.info"
    );
    assert.equal(proc.parentSpanId, router.spanId, "hero_proc's span is the router's child");
    assert.equal(proc.kind, 2, "SERVER");
    assert.equal(proc.attributes["rpc.system"], "jsonrpc");
    assert.equal(proc.attributes["rpc.jsonrpc.request_id"], "7");
  });

  it("traces an MCP tool call from the router to the service's method", async () => {
    const res = await callTool(system.origin, system.token, "hero_proc_service_list");
    assert.equal(res.status, 200, res.text);
    const call = await receiver.waitForSpan((s) =>
      s.service === "hero_router" && s.name === "tools/call hero_proc.service.list"
    );
    assert.equal(call.attributes["mcp.method.name"], "tools/call");
    const server = receiver.spans.find((s) => s.spanId === call.parentSpanId);
    assert.ok(server === undefined || server.name.startsWith("POST"), "under the /mcp request");
    // Deno's fetch (the SDK client's transport on Deno) adds a CLIENT span between them.
    const fetchSpan = await receiver.waitForSpan((s) =>
      s.service === "hero_router" && s.parentSpanId === call.spanId && s.kind === 3
    );
    const proc = await receiver.waitForSpan((s) =>
      s.service === "hero_proc" && s.name === "service.list" && s.parentSpanId === fetchSpan.spanId
    );
    assert.equal(proc.traceId, call.traceId);
  });

  it("exports hero_proc's captured log lines with service, job id, level and source", async () => {
    const beat = await receiver.waitForLog((l) =>
      l.service === "hero_proc" && l.attributes["service.name"] === "heartbeat" &&
      /^beat \d+: all good$/.test(String(l.body))
    );
    assert.equal(beat.attributes["hero.log.source"], "heartbeat.beat.stdout");
    assert.equal(beat.attributes["log.level"], "info");
    assert.equal(beat.severityText, "INFO");
    assert.equal(beat.severityNumber, 9);
    assert.equal(typeof beat.attributes["hero.job_id"], "number");
    const stretch = await receiver.waitForLog((l) =>
      l.attributes["service.name"] === "heartbeat" && /stretching/.test(String(l.body))
    );
    assert.equal(stretch.attributes["hero.log.source"], "heartbeat.beat.stderr");
    assert.deepEqual(receiver.problems, []);
  });
});
