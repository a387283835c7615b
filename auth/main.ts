/**
 * The hero_auth binary, built on HeroLifecycle: `run` serves in the foreground, `start`
 * registers it with hero_proc and returns once healthy (printing the owner's one-time setup
 * link on first start), `init` creates the owner account and prints that link, and `stop`,
 * `status`, `logs` act on the registration.
 */
import module from "node:module";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { HeroLifecycle, resolveSocketRoot, RpcClient, serviceSocketPaths } from "@hero/sdk";
import { ensureOwner, startAuthServer } from "./src/auth_server.ts";
import { openAuthDatabase } from "./src/store/database.ts";
import { buildAuthParts } from "./src/service_parts.ts";
import { defaultIssuer } from "./src/issuer.ts";
import { AUTH_NODE_FLAGS, authNodeEnv } from "./src/node_flags.ts";
import { restartWarmIfStripped } from "./src/warm_start.ts";

const file = fileURLToPath(import.meta.url);
const self = [process.execPath, ...AUTH_NODE_FLAGS, file];
const OPTIONS = {
  db: { type: "string" },
  issuer: { type: "string" },
  owner: { type: "string" },
  "socket-dir": { type: "string" },
} as const;

const defaultDb = () =>
  process.env.HERO_AUTH_DB ?? path.join(os.homedir(), "hero", "var", "hero_auth", "auth.db");
const ownerName = (v?: string) =>
  v ?? ((process.env.USER ?? "owner").toLowerCase().replace(/[^a-z0-9._-]/g, "") || "owner");

const lifecycle = new HeroLifecycle({
  name: "hero_auth",
  description: "hero_auth: single sign-on (OpenID Connect) for every Hero service",
  self,
  env: authNodeEnv(path.join(path.dirname(defaultDb()), "node-compile-cache")),
  commandHint: "node auth/main.ts",
  run: async ({ serviceName, args, socketRoot, logger, signal }) => {
    const { values } = parseArgs({ args, options: OPTIONS });
    const issuer = values.issuer ?? defaultIssuer(serviceName);
    const auth = await startAuthServer({
      dbPath: values.db ?? defaultDb(),
      issuer,
      socketRoot: values["socket-dir"] ?? socketRoot,
      name: serviceName,
      ownerName: ownerName(values.owner),
      onError: (message, detail) => logger.error(message, detail),
    });
    // Written now, not only at exit: the next start reuses the compiled modules even if this
    // process is killed (see node_flags.ts).
    module.flushCompileCache?.();
    logger.info(`serving, issuer ${issuer}`, { pid: process.pid });
    console.log(`hero_auth is serving: issuer ${issuer}`);
    await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
    await auth.close();
    logger.info("stopped");
  },
});

const argv = process.argv.slice(2);
if (argv[0] === "run") restartWarmIfStripped();
if (argv[0] === "init") {
  process.exitCode = init(argv.slice(1));
} else {
  process.exitCode = await lifecycle.main(argv);
  const command = argv[0];
  if (process.exitCode === 0 && (command === "start" || command === "--start")) {
    await printSetupLinkIfNew();
  }
  // Once served and closed, leave at once: handles the provider's libraries keep open must not
  // hold a stopped service alive (hero_proc would otherwise wait for its kill timeout).
  process.exit(process.exitCode);
}

/** `hero_auth init`: creates the owner (if missing) and prints a one-time setup link. */
function init(args: string[]): number {
  const { values } = parseArgs({ args, options: OPTIONS });
  const db = openAuthDatabase(values.db ?? defaultDb());
  const parts = buildAuthParts(db, { issuer: values.issuer ?? defaultIssuer("hero_auth") });
  const owner = ensureOwner(parts, ownerName(values.owner));
  const token = parts.accounts.createSetupToken(owner.id, "init");
  console.log(`Owner account: ${owner.username}`);
  console.log(`One-time setup link (24 hours): ${parts.issuer}/setup/${token}`);
  db.close();
  return 0;
}

/** After the first `start`: the owner has no credential yet, so print where to set one. */
async function printSetupLinkIfNew(): Promise<void> {
  const root = resolveSocketRoot({ env: (k) => process.env[k], homeDir: os.homedir() });
  const rpc = new RpcClient(serviceSocketPaths(root, "hero_auth").rpc);
  try {
    const users = await rpc.call("users.list", {}) as {
      id: string;
      is_owner: boolean;
      has_password: boolean;
      passkeys: number;
    }[];
    const owner = users.find((u) => u.is_owner);
    if (owner && !owner.has_password && owner.passkeys === 0) {
      const link = await rpc.call("users.setup_link", { id: owner.id }) as { url: string };
      console.log(`First start: set up the owner account at ${link.url}`);
    }
  } finally {
    rpc.close();
  }
}
