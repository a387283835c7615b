/**
 * Live tool lists: services appearing, changing and disappearing while MCP clients of both
 * eras are connected, on `/mcp` and on `/mcp/<service>`.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client";
// @ts-types="../../../node_modules/@modelcontextprotocol/sdk/dist/esm/client/streamableHttp.d.ts"
import { StreamableHTTPClientTransport as V1Transport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="../../../node_modules/@modelcontextprotocol/sdk/dist/esm/types.d.ts"
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { Client as V2Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { defineApi, defineMethod } from "@hero/sdk";
import { exampleApi, GatewayHarness } from "./test_fixtures.ts";

/** Resolves on the next call of the returned `signal` function. */
function nextEvent(): { wait: (ms?: number) => Promise<void>; signal: () => void } {
  let resolve = () => {};
  let promise = new Promise<void>((r) => (resolve = r));
  return {
    signal: () => {
      resolve();
      promise = new Promise<void>((r) => (resolve = r));
    },
    wait: (ms = 3000) => {
      let timer: ReturnType<typeof setTimeout>;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no list_changed within ${ms} ms`)), ms);
      });
      return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
    },
  };
}

/**
 * Resolves once a notification triggered by `poke` arrives: proof that the client's GET stream
 * (2025-11-25) is open, which the client opens on its own shortly after `initialize`.
 */
async function untilStreamOpen(
  changed: ReturnType<typeof nextEvent>,
  poke: (i: number) => void,
): Promise<void> {
  for (let i = 0; i < 30; i++) {
    const seen = changed.wait(300).then(() => true, () => false);
    poke(i);
    if (await seen) return;
  }
  throw new Error("the notification stream never opened");
}

/** A service document without methods, changed on every poke. */
function pokeDoc(i: number) {
  return { openrpc: "1.3.2", info: { title: "poke", version: `${i}` }, methods: [] };
}

const otherApi = defineApi({
  info: { title: "Other", version: "2.0.0" },
  methods: [defineMethod({
    name: "ping",
    params: [],
    result: { name: "pong", schema: { type: "string" } },
    handler: () => "pong",
  })],
});

describe("live tool lists, 2025-11-25 era (v1 client)", () => {
  const harness = new GatewayHarness();
  let client: V1Client;
  const changed = nextEvent();

  before(async () => {
    await harness.addService("example");
    await harness.start();
    client = new V1Client({ name: "v1-live", version: "1.0.0" });
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => changed.signal());
    await client.connect(new V1Transport(harness.url));
    await untilStreamOpen(
      changed,
      (i) => harness.source.put({ name: "poke", rpcSocketPath: "/none", document: pokeDoc(i) }),
    );
  });
  after(async () => {
    await client?.close();
    await harness.close();
  });

  it("announces a service that appears", async () => {
    const seen = changed.wait();
    await harness.addService("other", otherApi);
    await seen;
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === "other_ping"));
  });

  it("announces a service whose document changes", async () => {
    const seen = changed.wait();
    await harness.removeService("other");
    await seen;
    const again = changed.wait();
    await harness.addService("other", exampleApi("Other now"));
    await again;
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === "other_greet"));
    assert.ok(!tools.some((t) => t.name === "other_ping"));
  });

  it("handles a service going away mid-session", async () => {
    // The socket disappears before discovery notices: the call fails as a tool error.
    await harness.servers.get("example")!.close();
    const down = await client.callTool({ name: "example_greet", arguments: { name: "x" } });
    assert.equal(down.isError, true);
    assert.match(JSON.stringify(down.content), /Cannot reach/);
    // Discovery removes it: clients are told and the tools are gone.
    const seen = changed.wait();
    harness.source.remove("example");
    await seen;
    const { tools } = await client.listTools();
    assert.ok(!tools.some((t) => t.name.startsWith("example_")));
    await assert.rejects(
      client.callTool({ name: "example_greet", arguments: { name: "x" } }),
      /Unknown tool/,
    );
  });
});

describe("live tool lists, 2026-07-28 era (v2 client, subscriptions/listen)", () => {
  const harness = new GatewayHarness();
  let client: V2Client;
  const changed = nextEvent();

  before(async () => {
    await harness.addService("example");
    await harness.start();
    client = new V2Client({ name: "v2-live", version: "1.0.0" }, {
      versionNegotiation: { mode: { pin: "2026-07-28" } },
    });
    client.setNotificationHandler("notifications/tools/list_changed", () => changed.signal());
    await client.connect(new StreamableHTTPClientTransport(harness.url));
  });
  after(async () => {
    await client?.close();
    await harness.close();
  });

  it("delivers list_changed on a listen stream when services come and go", async () => {
    const sub = await client.listen({ toolsListChanged: true });
    try {
      assert.equal(sub.honoredFilter.toolsListChanged, true);
      const seen = changed.wait();
      await harness.addService("other", otherApi);
      await seen;
      assert.ok((await client.listTools()).tools.some((t) => t.name === "other_ping"));
      const gone = changed.wait();
      await harness.removeService("other");
      await gone;
      assert.ok(!(await client.listTools()).tools.some((t) => t.name === "other_ping"));
    } finally {
      await sub.close();
    }
  });
});

describe("per-service endpoint /mcp/<service>", () => {
  const harness = new GatewayHarness();
  before(async () => {
    await harness.addService("example");
    await harness.addService("other", otherApi);
    await harness.start();
  });
  after(() => harness.close());

  it("lists only that service's tools, in both eras", async () => {
    const url = new URL(`${harness.url}/other`);
    const v1 = new V1Client({ name: "v1-scoped", version: "1.0.0" });
    await v1.connect(new V1Transport(url));
    const v2 = new V2Client({ name: "v2-scoped", version: "1.0.0" }, {
      versionNegotiation: { mode: { pin: "2026-07-28" } },
    });
    await v2.connect(new StreamableHTTPClientTransport(url));
    try {
      assert.deepEqual((await v1.listTools()).tools.map((t) => t.name), ["other_ping"]);
      assert.deepEqual((await v2.listTools()).tools.map((t) => t.name), ["other_ping"]);
      const res = await v2.callTool({ name: "other_ping", arguments: {} });
      assert.deepEqual(res.structuredContent, { result: "pong" });
      await assert.rejects(v1.callTool({ name: "example_greet", arguments: { name: "a" } }));
    } finally {
      await v1.close();
      await v2.close();
    }
  });

  it("tells a scoped session when its service goes away, then lists nothing", async () => {
    const changed = nextEvent();
    const client = new V1Client({ name: "v1-scoped-live", version: "1.0.0" });
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => changed.signal());
    await client.connect(new V1Transport(new URL(`${harness.url}/other`)));
    try {
      // Re-announcing "other" with a new document version is a change on its endpoint.
      await untilStreamOpen(changed, (i) =>
        harness.source.put({
          name: "other",
          rpcSocketPath: harness.servers.get("other")!.rpcSocketPath,
          document: { ...otherApi.document, info: { title: "Other", version: `2.0.${i}` } },
        }));
      const seen = changed.wait();
      await harness.removeService("other");
      await seen;
      assert.deepEqual((await client.listTools()).tools, []);
      // The endpoint stays served for its clients; a new client still gets it (empty).
      const res = await fetch(`${harness.url}/other`, { method: "GET" });
      assert.equal(res.status, 400, "known endpoint: asks for a session rather than 404");
      await res.body?.cancel();
    } finally {
      await client.close();
    }
  });

  it("answers 404 for a service nobody knows", async () => {
    const res = await fetch(`${harness.url}/nobody`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    assert.equal(res.status, 404);
    assert.match((await res.json()).error.message, /No service named "nobody"/);
  });
});

describe("bursts of changes", () => {
  const harness = new GatewayHarness();
  before(() => harness.start({ notifyDelayMs: 50 }).then(() => {}));
  after(() => harness.close());

  it("folds 100 services appearing at once into one list_changed", async () => {
    let count = 0;
    const changed = nextEvent();
    const client = new V1Client({ name: "v1-burst", version: "1.0.0" });
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      count++;
      changed.signal();
    });
    await client.connect(new V1Transport(harness.url));
    try {
      await untilStreamOpen(
        changed,
        (i) => harness.source.put({ name: "poke", rpcSocketPath: "/none", document: pokeDoc(i) }),
      );
      count = 0;
      const seen = changed.wait();
      for (let i = 0; i < 100; i++) {
        harness.source.put({
          name: `burst${i}`,
          rpcSocketPath: `/nonexistent/burst${i}/rpc.sock`,
          document: {
            openrpc: "1.3.2",
            info: { title: "b", version: "1" },
            methods: [
              { name: "m", params: [] },
            ],
          },
        });
      }
      await seen;
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(count, 1);
      assert.equal((await client.listTools()).tools.length, 100, "poke has no tools");
    } finally {
      await client.close();
    }
  });
});
