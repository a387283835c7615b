/**
 * The hero_collab binary (Node), built on HeroLifecycle: `run` serves in the foreground,
 * `start` registers it with hero_proc and returns once healthy; `stop`, `status`, `logs [-f]`
 * act on that registration. Flags: `--data-dir`, `--socket-dir`, `--auth-socket`,
 * `--admin-group`, `--max-upload-mb`. Users sign in through hero_router (with hero_auth).
 */
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { HeroLifecycle } from "@hero/sdk";
import { startCollabServer } from "./src/collab_server.ts";

const file = fileURLToPath(import.meta.url);

const OPTIONS = {
  "data-dir": { type: "string" },
  "socket-dir": { type: "string" },
  "auth-socket": { type: "string" },
  "admin-group": { type: "string" },
  "max-upload-mb": { type: "string" },
} as const;

const defaultDataDir = () =>
  process.env.HERO_COLLAB_DATA ?? path.join(os.homedir(), "hero", "var", "hero_collab");

const lifecycle = new HeroLifecycle({
  name: "hero_collab",
  description: "hero_collab: group communication (channels, threads, search, live, WebDAV export)",
  self: [process.execPath, "--disable-warning=ExperimentalWarning", file],
  commandHint: "node collab/main.ts",
  run: async ({ serviceName, args, socketRoot, logger, signal }) => {
    const { values } = parseArgs({ args, options: OPTIONS, strict: true });
    const uploadMb = values["max-upload-mb"] === undefined
      ? undefined
      : Number(values["max-upload-mb"]);
    if (uploadMb !== undefined && !(uploadMb > 0)) {
      throw new Error(
        `--max-upload-mb must be a positive number, got "${values["max-upload-mb"]}"`,
      );
    }
    const collab = await startCollabServer({
      name: serviceName,
      dataDir: values["data-dir"] ?? defaultDataDir(),
      socketRoot: values["socket-dir"] ?? socketRoot,
      authSocket: values["auth-socket"],
      adminGroup: values["admin-group"],
      limits: uploadMb ? { maxUploadBytes: Math.floor(uploadMb * 1024 * 1024) } : undefined,
      onError: (message, detail) => logger.warn(message, detail),
    });
    logger.info(`serving on ${collab.server.rpcSocketPath}`, { pid: process.pid });
    console.log(`hero_collab is serving on ${collab.server.rpcSocketPath}`);
    await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
    await collab.close();
    logger.info("stopped");
  },
});

if (process.argv[1] === file) {
  process.exitCode = await lifecycle.main(process.argv.slice(2));
}
