/**
 * `npm run bench`: runs every benchmark (or those named on the command line) one after another,
 * each as its own process so that one bench's leftovers cannot skew the next.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const benches: Record<string, string> = {
  rpc: "rpc_roundtrip.ts",
  mcp: "mcp_gateway.deno.ts",
  "router-proxy": "router/proxy_bench.deno.ts",
  "router-discovery": "router/discovery_bench.deno.ts",
  "router-federation": "router/federation_bench.deno.ts",
  "router-metrics": "router/metrics_cost.deno.ts",
  logs_ingest: "logs_ingest.ts",
  logs_capture: "logs_capture.ts",
  logs_query: "logs_query.ts",
  browser: "browser_mcp.ts",
  collab: "collab.ts",
};
// Peers the benches compare against; installed with apt by bench/router/setup.sh when missing.
const peers: Record<string, string[]> = {
  "router-proxy": ["nginx", "caddy", "wrk"],
  "router-federation": ["nginx", "wrk"],
};
// `*.deno.ts` benches run on Deno (the router's runtime), the others on this Node.
const deno = path.join(here, "..", "node_modules", ".bin", "deno");

const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : Object.keys(benches)) {
  const file = benches[name];
  if (!file) {
    console.error(`Unknown bench "${name}"; available: ${Object.keys(benches).join(", ")}`);
    process.exit(2);
  }
  console.log(`\n== bench ${name} ==`);
  const missing = (peers[name] ?? []).filter((bin) =>
    spawnSync("sh", ["-c", `command -v ${bin}`]).status !== 0
  );
  if (missing.length) {
    console.log(`installing ${missing.join(", ")} (bench/router/setup.sh)`);
    const setup = spawnSync("sh", [path.join(here, "router", "setup.sh")], { stdio: "inherit" });
    if (setup.status !== 0) process.exit(setup.status ?? 1);
  }
  const target = path.join(here, file);
  const r = file.endsWith(".deno.ts")
    ? spawnSync(deno, ["run", "-A", target], { stdio: "inherit" })
    : spawnSync(process.execPath, [target], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
