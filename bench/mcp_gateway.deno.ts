/**
 * MCP gateway benchmark (Deno): 100 real services x 20 methods = 2,000 tools behind the gateway.
 * Measures `tools/list` latency (in-process handler and over loopback HTTP, both eras) and the
 * overhead of `tools/call` over a direct JSON-RPC call to the same `rpc.sock` (p50, p99).
 * Goals: tools/list < 20 ms; call overhead < 1 ms at p50. Run:
 *   node_modules/.bin/deno run -A bench/mcp_gateway.deno.ts
 */
import { RpcClient } from "@hero/sdk";
import { GatewayHarness, numberedApi, OWNER_CALLER } from "../router/src/mcp/test_fixtures.ts";

const SERVICES = 100;
const METHODS = 20;
const LIST_RUNS = 200;
const CALL_RUNS = 2000;
const WARMUP = 50;
const MODERN = "2026-07-28";
const META = {
  "io.modelcontextprotocol/protocolVersion": MODERN,
  "io.modelcontextprotocol/clientInfo": { name: "bench", version: "1" },
  "io.modelcontextprotocol/clientCapabilities": {},
};

/** p50 and p99 of a list of durations in ms. */
function stats(ms: number[]): { p50: number; p99: number; mean: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { p50: at(0.5), p99: at(0.99), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

async function time(runs: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await fn(i);
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

function fmt(label: string, ms: number[]): string {
  const { p50, p99, mean } = stats(ms);
  return `${label.padEnd(52)} p50 ${p50.toFixed(3)} ms  p99 ${p99.toFixed(3)} ms  mean ${
    mean.toFixed(3)
  } ms`;
}

const harness = new GatewayHarness();
try {
  for (let i = 0; i < SERVICES; i++) await harness.addService(`svc${i}`, numberedApi(i, METHODS));
  await harness.start();
  const url = harness.url.href;
  const modernReq = (method: string, params: Record<string, unknown>, name?: string) =>
    new Request(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": MODERN,
        "mcp-method": method,
        ...(name ? { "mcp-name": name } : {}),
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: { ...params, _meta: META } }),
    });

  // A 2025-11-25 session for the legacy-era figures.
  const init = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: {
        protocolVersion: "2025-11-25",
        capabilities: {},
        clientInfo: { name: "b", version: "1" },
      },
    }),
  });
  const session = init.headers.get("mcp-session-id")!;
  await init.body?.cancel();
  const legacyReq = (body: unknown) =>
    fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-session-id": session,
        "mcp-protocol-version": "2025-11-25",
      },
      body: JSON.stringify(body),
    });

  const first = await (await harness.gateway.handler(modernReq("tools/list", {}), OWNER_CALLER))
    .json();
  const toolCount = first.result.tools.length;
  const bytes = JSON.stringify(first).length;
  console.log(`tools: ${toolCount}, tools/list response ${(bytes / 1024).toFixed(0)} KiB`);
  if (toolCount !== SERVICES * METHODS) throw new Error(`expected ${SERVICES * METHODS} tools`);

  const lines: string[] = [];
  lines.push(fmt(
    "tools/list 2026-07-28, in-process handler",
    await time(LIST_RUNS, async () => {
      await (await harness.gateway.handler(modernReq("tools/list", {}), OWNER_CALLER)).text();
    }),
  ));
  lines.push(fmt(
    "tools/list 2026-07-28, HTTP loopback",
    await time(LIST_RUNS, async () => {
      await (await fetch(modernReq("tools/list", {}))).text();
    }),
  ));
  lines.push(fmt(
    "tools/list 2025-11-25 session, HTTP loopback",
    await time(LIST_RUNS, async () => {
      await (await legacyReq({ jsonrpc: "2.0", id: 1, method: "tools/list" })).text();
    }),
  ));

  // Direct JSON-RPC to the same socket, versus tools/call through the gateway.
  const target = harness.servers.get("svc42")!.rpcSocketPath;
  const direct = new RpcClient(target);
  const directMs = await time(CALL_RUNS, (i) => direct.call("m7", { x: i }));
  direct.close();
  const viaHandler = await time(CALL_RUNS, async (i) => {
    const res = await harness.gateway.handler(
      modernReq("tools/call", { name: "svc42_m7", arguments: { x: i } }, "svc42_m7"),
      OWNER_CALLER,
    );
    await res.text();
  });
  const viaHttp = await time(CALL_RUNS, async (i) => {
    const res = await fetch(
      modernReq("tools/call", { name: "svc42_m7", arguments: { x: i } }, "svc42_m7"),
    );
    await res.text();
  });
  const viaLegacy = await time(CALL_RUNS, async (i) => {
    const res = await legacyReq({
      jsonrpc: "2.0",
      id: i,
      method: "tools/call",
      params: { name: "svc42_m7", arguments: { x: i } },
    });
    await res.text();
  });
  // A plain HTTP round trip on the same loopback listener: what any HTTP gateway pays.
  const httpFloor = await time(CALL_RUNS, async () => {
    await (await fetch(`${url}/`, { method: "PUT" })).text();
  });
  lines.push(fmt("direct JSON-RPC call (RpcClient -> rpc.sock)", directMs));
  lines.push(fmt("tools/call 2026-07-28, in-process handler", viaHandler));
  lines.push(fmt("tools/call 2026-07-28, HTTP loopback", viaHttp));
  lines.push(fmt("tools/call 2025-11-25 session, HTTP loopback", viaLegacy));
  lines.push(fmt("empty HTTP round trip (405), loopback floor", httpFloor));
  const d = stats(directMs);
  const over = (ms: number[]) => {
    const s = stats(ms);
    return `p50 +${(s.p50 - d.p50).toFixed(3)} ms, p99 +${(s.p99 - d.p99).toFixed(3)} ms`;
  };
  lines.push(`call overhead, in-process handler vs direct:   ${over(viaHandler)}`);
  lines.push(`call overhead, 2026-07-28 HTTP vs direct:      ${over(viaHttp)}`);
  lines.push(`call overhead, 2025-11-25 HTTP vs direct:      ${over(viaLegacy)}`);
  console.log(lines.join("\n"));
} finally {
  await harness.close();
}
