/**
 * The `browser` service binary (Node): `main.ts run` serves browser automation on
 * `<socket root>/browser/rpc.sock` until SIGINT/SIGTERM (Chromium starts on the first call);
 * `main.ts start` registers it with hero_proc and returns once it is healthy; `stop`, `status`
 * and `logs [-f]` act on that registration. Flags set the limits (see `--help`).
 */
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { HeroLifecycle } from "@hero/sdk";
import { BrowserService } from "./src/browser_service.ts";
import type { BrowserOptions } from "./src/chromium/options.ts";

const file = fileURLToPath(import.meta.url);

const FLAGS = {
  chromium: { type: "string" },
  "max-contexts": { type: "string" },
  "max-tabs": { type: "string" },
  "call-timeout-ms": { type: "string" },
  "page-memory-mb": { type: "string" },
  allow: { type: "string", multiple: true },
  deny: { type: "string", multiple: true },
  "allow-file": { type: "boolean" },
  "upload-dir": { type: "string", multiple: true },
  "socket-dir": { type: "string" },
} as const;

/** Limits from the command line (unset flags keep the defaults). */
export function limitsFromArgs(
  args: string[],
): { limits: Partial<BrowserOptions>; socketDir?: string } {
  const { values } = parseArgs({ args, options: FLAGS, strict: true });
  const int = (flag: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) {
      throw new Error(`--${flag} must be a positive integer, got "${value}"`);
    }
    return n;
  };
  const limits: Partial<BrowserOptions> = {};
  const set = <K extends keyof BrowserOptions>(key: K, value: BrowserOptions[K] | undefined) => {
    if (value !== undefined) limits[key] = value;
  };
  set("executablePath", values.chromium);
  set("maxContexts", int("max-contexts", values["max-contexts"]));
  set("maxTabs", int("max-tabs", values["max-tabs"]));
  set("callTimeoutMs", int("call-timeout-ms", values["call-timeout-ms"]));
  set("pageMemoryMb", int("page-memory-mb", values["page-memory-mb"]));
  set("allow", values.allow);
  set("deny", values.deny);
  set("allowFile", values["allow-file"]);
  set("uploadDirs", values["upload-dir"]?.map((d) => path.resolve(d)));
  return { limits, socketDir: values["socket-dir"] };
}

if (process.argv[1] === file) {
  const lifecycle = new HeroLifecycle({
    name: "browser",
    description: "Browser automation: Chromium driven through playwright-core",
    self: [process.execPath, "--disable-warning=ExperimentalWarning", file],
    commandHint: `node ${path.relative(process.cwd(), file) || file}`,
    run: async ({ serviceName, args, socketRoot, logger, signal }) => {
      const { limits, socketDir } = limitsFromArgs(args);
      const service = new BrowserService({
        name: serviceName,
        socketRoot: socketDir ?? socketRoot,
        limits,
        logger,
      });
      await service.start();
      logger.info(`serving on ${service.server.rpcSocketPath}`, { pid: process.pid });
      console.log(
        `browser is serving on ${service.server.rpcSocketPath} (Chromium starts on first use)`,
      );
      await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      await service.close();
      logger.info("stopped");
    },
  });
  process.exitCode = await lifecycle.main(process.argv.slice(2));
}
