/**
 * Test fixtures: the example service (real HeroServer on a real Unix socket in a temp socket
 * root) and a gateway served with Deno.serve on a loopback port, plus their cleanup.
 */
import type { McpCaller } from "./legacy_sessions.ts";
import { defineApi, defineMethod, HeroServer, RpcError } from "@hero/sdk";
import { createMcpGateway, type McpGateway, type McpGatewayOptions } from "./gateway.ts";
import { InMemoryToolSource } from "./memory_tool_source.ts";

/** A caller that may use every tool (the owner), for gateway tests without the router's gate. */
export const OWNER_CALLER: McpCaller = { subject: "owner", mayCall: () => true };

/** Test hooks of the example API. */
export interface ExampleHooks {
  /** Called when a `wait` call is cancelled on the service side. */
  onCancel?: () => void;
}

/** The example API: by-name, by-position, failing, cancellable and recursive-schema methods. */
export function exampleApi(title = "Example", hooks: ExampleHooks = {}) {
  return defineApi({
    info: { title, version: "1.0.0", description: "Example service for gateway tests" },
    components: {
      schemas: {
        Tree: {
          type: "object",
          properties: {
            label: { type: "string" },
            children: { type: "array", items: { $ref: "#/components/schemas/Tree" } },
          },
          required: ["label"],
        },
      },
    },
    methods: [
      defineMethod<{ name: string; excited?: boolean }>({
        name: "greet",
        summary: "Greets someone",
        description: "Returns a greeting for the given name.",
        params: [
          { name: "name", schema: { type: "string", minLength: 1 }, required: true },
          { name: "excited", schema: { type: "boolean" } },
        ],
        result: { name: "greeting", schema: { type: "object" } },
        annotations: { readOnlyHint: true, idempotentHint: true },
        handler: ({ name, excited }) => ({ greeting: `Hello, ${name}${excited ? "!" : "."}` }),
      }),
      defineMethod<{ a: number; b: number }>({
        name: "add",
        summary: "Adds two numbers",
        paramStructure: "by-position",
        params: [
          { name: "a", schema: { type: "number" }, required: true },
          { name: "b", schema: { type: "number" }, required: true },
        ],
        result: { name: "sum", schema: { type: "number" } },
        handler: ({ a, b }) => a + b,
      }),
      defineMethod({
        name: "fail",
        summary: "Always fails",
        params: [],
        result: { name: "never", schema: true },
        annotations: { destructiveHint: true },
        handler: () => {
          throw new RpcError(4001, "It failed on purpose", { reason: "test" });
        },
      }),
      defineMethod({
        name: "wait",
        summary: "Waits until cancelled (reports the cancellation through onCancel)",
        params: [],
        result: { name: "never", schema: true },
        handler: (_params, ctx) =>
          new Promise((_, reject) => {
            ctx.signal.addEventListener("abort", () => {
              hooks.onCancel?.();
              reject(new Error("cancelled"));
            }, { once: true });
          }),
      }),
      defineMethod<{ tree: { label: string; children?: unknown[] } }>({
        name: "tree.count",
        summary: "Counts the nodes of a tree",
        params: [{
          name: "tree",
          schema: { $ref: "#/components/schemas/Tree" },
          required: true,
        }],
        result: { name: "count", schema: { type: "integer" } },
        handler: ({ tree }) => countNodes(tree),
      }),
    ],
  });
}

/** Service `i` has methods `m0..m<n-1>`; `mJ` returns `{ service: i, method: j, x }`. */
export function numberedApi(i: number, methods = 20) {
  return defineApi({
    info: { title: `Service ${i}`, version: "1.0.0" },
    methods: Array.from({ length: methods }, (_, j) =>
      defineMethod<{ x?: number }>({
        name: `m${j}`,
        summary: `Method ${j} of service ${i}`,
        params: [{ name: "x", schema: { type: "number" } }],
        result: { name: "r", schema: { type: "object" } },
        handler: ({ x }) => ({ service: i, method: j, x: x ?? null }),
      })),
  });
}

function countNodes(tree: { children?: unknown[] }): number {
  return 1 + (tree.children ?? []).reduce<number>(
    (n, c) => n + countNodes(c as { children?: unknown[] }),
    0,
  );
}

/** A temp socket root, services in it, a source, and a gateway on a loopback port. */
export class GatewayHarness {
  readonly socketRoot = Deno.makeTempDirSync({ prefix: "hero_mcp_" });
  readonly source = new InMemoryToolSource({ timeoutMs: 5000 });
  readonly servers = new Map<string, HeroServer>();
  readonly logs: string[] = [];
  gateway!: McpGateway;
  #http?: Deno.HttpServer;
  url!: URL;

  /** Starts the gateway (services can be added before or after). */
  async start(opts: Partial<McpGatewayOptions> = {}): Promise<this> {
    this.gateway = createMcpGateway({
      source: this.source,
      log: (m) => this.logs.push(m),
      notifyDelayMs: 5,
      ...opts,
    });
    const ready = Promise.withResolvers<number>();
    this.#http = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) => ready.resolve(port),
    }, (req) => this.gateway.handler(req, OWNER_CALLER));
    this.url = new URL(`http://127.0.0.1:${await ready.promise}/mcp`);
    return this;
  }

  /** Starts a HeroServer named `name` and announces it to the source. */
  async addService(name: string, api = exampleApi()): Promise<HeroServer> {
    const server = new HeroServer({ name, api, socketRoot: this.socketRoot });
    await server.start();
    this.servers.set(name, server);
    this.source.put({ name, document: api.document, rpcSocketPath: server.rpcSocketPath });
    return server;
  }

  /** Stops a service and removes it from the source, as discovery would. */
  async removeService(name: string): Promise<void> {
    await this.servers.get(name)?.close();
    this.servers.delete(name);
    this.source.remove(name);
  }

  /** Stops everything and removes the temp directory. */
  async close(): Promise<void> {
    await this.gateway?.close();
    await this.#http?.shutdown();
    await Promise.all([...this.servers.values()].map((s) => s.close()));
    this.source.close();
    await Deno.remove(this.socketRoot, { recursive: true }).catch(() => {});
  }
}
