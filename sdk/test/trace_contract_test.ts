/**
 * Trace context through the SDK on Node and on Deno, with the OpenTelemetry JS SDK registered
 * in the test process: a call carrying a `traceparent` runs as a SERVER span of that trace, a
 * call the handler makes to another service carries the handler's span (its span is the
 * child), errors mark the span, and without `traceparent` a call starts a trace of its own.
 */
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { defineApi, defineMethod, HeroServer, RpcClient, RpcError } from "../mod.ts";
import { currentRuntime } from "../internal.ts";

const runtime = currentRuntime();

describe(`trace context through the SDK on ${runtime.name}`, () => {
  const spans = new InMemorySpanExporter();
  const provider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
  });
  let root: string;
  let front: HeroServer;
  let back: HeroServer;
  let client: RpcClient;
  let backClient: RpcClient;

  before(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
    root = await fs.mkdtemp(path.join(os.tmpdir(), "hero-trace-"));
    back = new HeroServer({
      name: "back",
      socketRoot: root,
      api: defineApi({
        info: { title: "back", version: "1" },
        methods: [
          defineMethod<Record<string, never>, string>({
            name: "leaf",
            params: [],
            result: { name: "r", schema: { type: "string" } },
            handler: () => "leaf",
          }),
          defineMethod<Record<string, never>, string>({
            name: "broken",
            params: [],
            result: { name: "r", schema: { type: "string" } },
            handler: () => {
              throw new RpcError(-32050, "broken on purpose");
            },
          }),
        ],
      }),
    });
    await back.start();
    backClient = new RpcClient(back.rpcSocketPath);
    front = new HeroServer({
      name: "front",
      socketRoot: root,
      api: defineApi({
        info: { title: "front", version: "1" },
        methods: [
          defineMethod<Record<string, never>, string>({
            name: "relay",
            params: [],
            result: { name: "r", schema: { type: "string" } },
            handler: () => backClient.call<string>("leaf"),
          }),
        ],
      }),
    });
    await front.start();
    client = new RpcClient(front.rpcSocketPath);
  });

  after(async () => {
    client.close();
    backClient.close();
    await front.close();
    await back.close();
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
    await fs.rm(root, { recursive: true, force: true });
  });

  it("continues the caller's trace and carries it to the next service", async () => {
    spans.reset();
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const parent = "b7ad6b7169203331";
    const traced = new RpcClient(front.rpcSocketPath, {
      headers: { traceparent: `00-${traceId}-${parent}-01` },
    });
    try {
      assert.equal(await traced.call("relay"), "leaf");
    } finally {
      traced.close();
    }
    const done = spans.getFinishedSpans();
    const relay = done.find((s) => s.name === "relay")!;
    const leaf = done.find((s) => s.name === "leaf")!;
    assert.ok(relay && leaf, `spans: ${done.map((s) => s.name)}`);
    assert.equal(relay.spanContext().traceId, traceId);
    assert.equal(relay.parentSpanContext?.spanId, parent);
    assert.equal(relay.kind, 1, "SERVER");
    assert.equal(relay.attributes["rpc.method"], "relay");
    assert.equal(leaf.spanContext().traceId, traceId, "the nested call stays in the trace");
    assert.equal(leaf.parentSpanContext?.spanId, relay.spanContext().spanId);
  });

  it("marks a failed call and starts a new trace without traceparent", async () => {
    spans.reset();
    await assert.rejects(backClient.call("broken"), /broken on purpose/);
    const [span] = spans.getFinishedSpans();
    assert.equal(span.name, "broken");
    assert.equal(span.status.code, 2, "ERROR");
    assert.equal(span.attributes["rpc.jsonrpc.error_code"], -32050);
    assert.equal(span.parentSpanContext, undefined);
  });
});
