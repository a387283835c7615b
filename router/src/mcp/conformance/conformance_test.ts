/**
 * The official MCP conformance server suite (`@modelcontextprotocol/conformance`, every
 * scenario) against the router's gateway at `/mcp`, with the fixture tools provided by
 * SDK-built services on the router's socket root. The suite's client sends no credentials, so it
 * reaches the gateway the way the owner does: a loopback TCP port piped byte for byte to the
 * router's admin.sock (no header is added or changed, so the DNS-rebinding scenario still sees
 * its own Host and Origin). Every scenario must end as recorded in {@link EXPECTED} (the table
 * in router/README.md).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { HeroServer } from "@hero/sdk";
import { type RouterHarness, startRouter } from "../../test_support/router_harness.ts";
import { conformanceJsonApi, conformanceTestApi } from "./fixture_services.ts";

/** `pass`, or the checks expected to fail and why the scenario does not apply to the gateway. */
type Expectation = "pass" | { failing: string[]; why: string };

const NO_RESOURCES = "the gateway serves tools only; Hero services have no MCP resources";
const NO_PROMPTS = "the gateway serves tools only; Hero services have no MCP prompts";
const NO_CLIENT_REQUESTS =
  "a Hero method cannot send requests to the MCP client (sampling, elicitation)";

/** Every server scenario of the suite and its recorded outcome. */
export const EXPECTED: Record<string, Expectation> = {
  "server-initialize": "pass",
  "logging-set-level": "pass",
  "ping": "pass",
  "completion-complete": {
    failing: ["completion-complete"],
    why: "no prompts or resource templates, so nothing to complete",
  },
  "tools-list": "pass",
  "tools-call-simple-text": "pass",
  "tools-call-image": "pass",
  "tools-call-audio": "pass",
  "tools-call-embedded-resource": "pass",
  "tools-call-mixed-content": "pass",
  "tools-call-with-logging": "pass",
  "tools-call-error": "pass",
  "tools-call-with-progress": "pass",
  "tools-call-sampling": { failing: ["tools-call-sampling"], why: NO_CLIENT_REQUESTS },
  "tools-call-elicitation": { failing: ["tools-call-elicitation"], why: NO_CLIENT_REQUESTS },
  "json-schema-2020-12": {
    failing: ["json-schema-2020-12-$defs"],
    why: "non-recursive local $refs are inlined (only recursive ones become $defs), " +
      "so the shared `address` schema is inlined; $schema and additionalProperties pass",
  },
  "elicitation-sep1034-defaults": {
    failing: ["elicitation-sep1034-general"],
    why: NO_CLIENT_REQUESTS,
  },
  "server-sse-polling": {
    failing: [],
    why: "no test_reconnection tool and no event store (streams are not resumable): " +
      "warnings only",
  },
  "server-sse-multiple-streams": "pass",
  "elicitation-sep1330-enums": {
    failing: ["elicitation-sep1330-general"],
    why: NO_CLIENT_REQUESTS,
  },
  "resources-list": { failing: ["resources-list"], why: NO_RESOURCES },
  "resources-read-text": { failing: ["resources-read-text"], why: NO_RESOURCES },
  "resources-read-binary": { failing: ["resources-read-binary"], why: NO_RESOURCES },
  "resources-templates-read": { failing: ["resources-templates-read"], why: NO_RESOURCES },
  "resources-subscribe": { failing: ["resources-subscribe"], why: NO_RESOURCES },
  "resources-unsubscribe": { failing: ["resources-unsubscribe"], why: NO_RESOURCES },
  "prompts-list": { failing: ["prompts-list"], why: NO_PROMPTS },
  "prompts-get-simple": { failing: ["prompts-get-simple"], why: NO_PROMPTS },
  "prompts-get-with-args": { failing: ["prompts-get-with-args"], why: NO_PROMPTS },
  "prompts-get-embedded-resource": {
    failing: ["prompts-get-embedded-resource"],
    why: NO_PROMPTS,
  },
  "prompts-get-with-image": { failing: ["prompts-get-with-image"], why: NO_PROMPTS },
  "dns-rebinding-protection": "pass",
};

interface Check {
  id: string;
  status: "SUCCESS" | "FAILURE" | "WARNING" | "INFO";
  errorMessage?: string;
}

const repo = new URL("../../../../", import.meta.url).pathname;

describe("official MCP conformance server suite through the gateway", () => {
  let harness: RouterHarness;
  const services: HeroServer[] = [];
  const results = new Map<string, Check[]>();
  let outDir: string;
  let pipe: Deno.TcpListener;

  before(async () => {
    harness = await startRouter();
    pipe = pipeToUnix(harness.app.sockets.admin);
    for (const [name, api] of [["test", conformanceTestApi()], ["json", conformanceJsonApi()]]) {
      const server = new HeroServer({
        name: name as string,
        api: api as never,
        socketRoot: harness.root,
      });
      await server.start();
      services.push(server);
    }
    const deadline = Date.now() + 10_000;
    while (!harness.app.mcp.tools().tools.some((t) => t.name === "json_schema_2020_12_tool")) {
      if (Date.now() > deadline) throw new Error("the fixture services were not discovered");
      await new Promise((r) => setTimeout(r, 25));
    }
    outDir = await Deno.makeTempDir({ prefix: "hero-mcp-conformance-" });
    const run = await new Deno.Command(`${repo}node_modules/.bin/node`, {
      args: [
        `${repo}node_modules/@modelcontextprotocol/conformance/dist/index.js`,
        "server",
        "--url",
        `http://localhost:${pipe.addr.port}/mcp`,
        "--suite",
        "all",
        "-o",
        outDir,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const summary = new TextDecoder().decode(run.stdout).split("=== SUMMARY ===")[1];
    if (!summary) throw new Error(new TextDecoder().decode(run.stderr).slice(-2000));
    for await (const entry of Deno.readDir(outDir)) {
      const scenario = /^server-(.+)-\d{4}-\d\d-\d\dT/.exec(entry.name)?.[1];
      if (!scenario) continue;
      const checks = JSON.parse(await Deno.readTextFile(`${outDir}/${entry.name}/checks.json`));
      results.set(scenario, checks);
    }
  });

  after(async () => {
    pipe?.close();
    for (const s of services) await s.close();
    await harness?.close();
    if (outDir) await Deno.remove(outDir, { recursive: true });
  });

  it("runs exactly the scenarios of the recorded table", () => {
    assert.deepEqual([...results.keys()].sort(), Object.keys(EXPECTED).sort());
  });

  for (const [scenario, expected] of Object.entries(EXPECTED)) {
    it(`${scenario}: ${expected === "pass" ? "passes" : "ends as recorded"}`, () => {
      const checks = results.get(scenario) ?? [];
      const failed = checks.filter((c) => c.status === "FAILURE");
      if (expected === "pass") {
        assert.ok(checks.some((c) => c.status === "SUCCESS"), `${scenario} made no check`);
        assert.deepEqual(failed.map((c) => `${c.id}: ${c.errorMessage}`), []);
      } else {
        assert.deepEqual(failed.map((c) => c.id).sort(), [...expected.failing].sort());
      }
    });
  }
});

/** A loopback TCP port whose connections are piped, unchanged, to the Unix socket at `path`. */
function pipeToUnix(path: string): Deno.TcpListener {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  (async () => {
    for await (const conn of listener) {
      Deno.connect({ transport: "unix", path }).then((unix) => {
        conn.readable.pipeTo(unix.writable).catch(() => {});
        unix.readable.pipeTo(conn.writable).catch(() => {});
      }, () => conn.close());
    }
  })().catch(() => {});
  return listener;
}
