/**
 * End to end: the notes example started as a real process (on Node and on Deno), called through
 * the SDK client and through curl, stopped with SIGTERM, restarted with its data intact.
 */
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { RpcClient } from "../sdk/mod.ts";
import { assertValidOpenRpc } from "../sdk/test/assert_openrpc.ts";
import { waitForExit, waitForOutput } from "../sdk/test/spawn_runtime.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));
const main = path.join(repo, "examples/notes/main.ts");
const runtimes = {
  node: [
    path.join(repo, "node_modules/node/bin/node"),
    "--disable-warning=ExperimentalWarning",
    main,
  ],
  deno: [path.join(repo, "node_modules/deno/deno"), "run", "--allow-all", main],
};

for (const [name, argv] of Object.entries(runtimes)) {
  describe(`notes example as a process on ${name}`, () => {
    it("serves, answers curl and the SDK client, stops cleanly, keeps its data", async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), `hero-e2e-${name}-`));
      const sockets = path.join(dir, "sockets");
      const args = [...argv.slice(1), "run", "--db", path.join(dir, "notes.db")];
      const start = () =>
        spawn(argv[0], args, {
          env: { ...process.env, PATH_SOCKET: sockets },
          stdio: ["ignore", "pipe", "pipe"],
        });
      const sock = path.join(sockets, "notes", "rpc.sock");
      try {
        let child = start();
        const banner = await waitForOutput(child, "Press Ctrl-C");
        assert.match(banner, new RegExp(`serving on ${sock}`));
        assert.match(banner, /curl -s --unix-socket/);

        const { stdout } = await promisify(execFile)("curl", [
          "-sf",
          "--unix-socket",
          sock,
          "http://localhost/openrpc.json",
        ]);
        const doc = JSON.parse(stdout);
        assertValidOpenRpc(doc);
        assert.equal(doc.info.title, "Notes");

        let client = new RpcClient(sock);
        const note = await client.call<{ id: number }>("notes.create", { title: "persist me" });
        client.close();

        child.kill("SIGTERM");
        await waitForExit(child);
        await assert.rejects(fs.lstat(sock), /ENOENT/, "socket removed on shutdown");

        child = start();
        await waitForOutput(child, "Press Ctrl-C");
        client = new RpcClient(sock);
        const again = await client.call<{ title: string }>("notes.get", { id: note.id });
        assert.equal(again.title, "persist me");
        client.close();
        child.kill("SIGINT");
        await waitForExit(child);
        await assert.rejects(fs.lstat(sock), /ENOENT/);
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    });
  });
}
