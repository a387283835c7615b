/**
 * The four health probes: `exec` (exit 0), `tcp` (connect), `http` (2xx/3xx) and `socket`
 * (a Hero service's `GET /health` over its Unix socket, answered with a status other than
 * "down"). Each resolves to a result and never throws; each respects its timeout.
 */
import { spawn } from "node:child_process";
import type * as Http from "node:http";
import net from "node:net";
import os from "node:os";
import process from "node:process";
import { resolveSocketRoot } from "@hero/sdk";
import type { HealthSpec } from "../model/spec.ts";

// An ESM `import` of node:http evaluates its lazy WebSocket getters, which loads undici, http2
// and crypto (about 11 MB resident); the CommonJS exports object does not.
const http: typeof Http = process.getBuiltinModule("node:http");

/** The result of one probe. */
export interface ProbeResult {
  ok: boolean;
  detail: string;
}

/** Runs one probe of `spec` within its timeout. */
export function probe(spec: HealthSpec, env?: Record<string, string>): Promise<ProbeResult> {
  switch (spec.type) {
    case "exec":
      return probeExec(spec.target, spec.timeout_ms, env);
    case "tcp":
      return probeTcp(spec.target[0], Number(spec.target[1]), spec.timeout_ms);
    case "http":
      return probeHttp(spec.target[0], spec.timeout_ms);
    case "socket":
      return probeSocket(socketPathOf(spec.target[0]), spec.timeout_ms);
  }
}

/** A socket target is a path, or a Hero service name resolved under the socket root. */
export function socketPathOf(target: string): string {
  if (target.includes("/")) return target;
  const root = resolveSocketRoot({ env: (k) => process.env[k], homeDir: os.homedir() });
  return `${root}/${target}/rpc.sock`;
}

function probeExec(
  argv: string[],
  timeoutMs: number,
  env?: Record<string, string>,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), {
      detached: true,
      stdio: "ignore",
      env: env ? { ...process.env, ...env } : process.env,
    });
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch { /* gone */ }
      resolve({ ok: false, detail: `check timed out after ${timeoutMs} ms` });
    }, timeoutMs);
    child.once("error", (e) => {
      clearTimeout(timer);
      resolve({ ok: false, detail: `check cannot start: ${e.message}` });
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve(
        code === 0 ? { ok: true, detail: "check exited with 0" } : {
          ok: false,
          detail: `check ${signal ? `killed by ${signal}` : `exited with ${code}`}`,
        },
      );
    });
  });
}

function probeTcp(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (r: ProbeResult) => {
      sock.destroy();
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(
      () => done({ ok: false, detail: `tcp ${host}:${port}: timeout` }),
      timeoutMs,
    );
    sock.once("connect", () => done({ ok: true, detail: `tcp ${host}:${port}: connected` }));
    sock.once("error", (e) => done({ ok: false, detail: `tcp ${host}:${port}: ${e.message}` }));
  });
}

async function probeHttp(url: string, timeoutMs: number): Promise<ProbeResult> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    await res.body?.cancel();
    return res.status < 400
      ? { ok: true, detail: `http ${res.status}` }
      : { ok: false, detail: `http ${url}: status ${res.status}` };
  } catch (e) {
    return { ok: false, detail: `http ${url}: ${(e as Error).message}` };
  }
}

function probeSocket(path: string, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath: path, path: "/health", timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body.length < 65536 ? (body += c) : undefined));
      res.on("end", () => {
        let status = "";
        try {
          status = JSON.parse(body).status;
        } catch { /* not JSON */ }
        if (res.statusCode === 200 && (status === "ok" || status === "degraded")) {
          resolve({ ok: true, detail: `socket health: ${status}` });
        } else {
          resolve({
            ok: false,
            detail: `socket ${path}: HTTP ${res.statusCode}, status ${status || "?"}`,
          });
        }
      });
    });
    req.on("timeout", () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on("error", (e) => resolve({ ok: false, detail: `socket ${path}: ${e.message}` }));
  });
}
