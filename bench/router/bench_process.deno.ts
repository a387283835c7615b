/**
 * Child processes for the router benchmarks: start a command, wait for a line on its output,
 * stop it by pid (SIGTERM, then SIGKILL after a grace period).
 */

/** A started child process. */
export interface BenchProcess {
  /** The process id. */
  readonly pid: number;
  /** Everything written so far to stdout and stderr. */
  output(): string;
  /** Resolves when `pattern` appears in the output, or rejects after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpExecArray>;
  /** SIGTERM, wait up to 3 s, then SIGKILL. */
  stop(): Promise<void>;
}

/** Spawns `cmd args`. */
export function startProcess(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): BenchProcess {
  const child = new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" }).spawn();
  let out = "";
  const sink = () => new WritableStream<string>({ write: (s) => void (out += s) });
  const pumps = [
    child.stdout.pipeThrough(new TextDecoderStream()).pipeTo(sink()).catch(() => {}),
    child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(sink()).catch(() => {}),
  ];
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  return {
    pid: child.pid,
    output: () => out,
    waitFor: async (pattern, ms = 30_000) => {
      const end = Date.now() + ms;
      for (;;) {
        const m = pattern.exec(out);
        if (m) return m;
        if (exited) throw new Error(`${cmd} exited before printing ${pattern}:\n${out}`);
        if (Date.now() > end) throw new Error(`${cmd}: no ${pattern} within ${ms} ms:\n${out}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop: async () => {
      if (!exited) {
        try {
          child.kill("SIGTERM");
        } catch { /* already gone */ }
        const timer = setTimeout(() => {
          try {
            child.kill("SIGKILL");
          } catch { /* already gone */ }
        }, 3000);
        await status;
        clearTimeout(timer);
      }
      await Promise.all(pumps);
    },
  };
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}
