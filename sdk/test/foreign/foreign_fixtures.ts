/**
 * Starting the fixture services written without the SDK (plain node:http, Python http.server),
 * for the contract tests of the SDK client and of the router's MCP gateway.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

/** Starts a fixture service and resolves once it printed "ready". */
export function startForeign(cmd: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c) => {
      out += c;
      if (out.includes("ready")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`${cmd} ${args[0]} exited with ${code}`)));
    child.once("error", reject);
  });
}

/** The command lines of the two fixture services under `root`. */
export function foreignServices(root: string): { name: string; cmd: string; args: string[] }[] {
  return [
    {
      name: "plainnode",
      cmd: "node",
      args: [path.join(here, "plain_node_service.mjs"), root, "plainnode"],
    },
    {
      name: "plainpy",
      cmd: "python3",
      args: [path.join(here, "plain_python_service.py"), root, "plainpy"],
    },
  ];
}
