/**
 * hero_collab on its real sockets: the OpenRPC document is valid and is the whole API, read
 * methods carry `readOnlyHint` (so the router lets readers call them and MCP marks them), and
 * calls over `rpc.sock` work as the owner.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { RpcClient } from "@hero/sdk";
import { assertValidOpenRpc } from "../../sdk/test/assert_openrpc.ts";
import { type RunningCollab, startCollabServer } from "../src/collab_server.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

describe("hero_collab server", () => {
  let root: string;
  let collab: RunningCollab;
  let rpc: RpcClient;
  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "hero-collab-srv-"));
    collab = await startCollabServer({
      dataDir: path.join(root, "data"),
      socketRoot: path.join(root, "sockets"),
      authSocket: false,
    });
    rpc = new RpcClient(collab.server.rpcSocketPath);
  });
  after(async () => {
    rpc.close();
    await collab.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("publishes a valid OpenRPC document with the right annotations", async () => {
    const doc = await rpc.call<Any>("rpc.discover");
    assertValidOpenRpc(doc);
    const byName = new Map(doc.methods.map((m: Any) => [m.name, m]));
    for (const m of doc.methods) {
      assert.ok(m.summary, `${m.name} has no summary`);
      const name = m.name as string;
      const reads =
        /\.(list|get|thread|history|members|counts|me|messages|since|query|status|preview|deliveries|mutes)$/
          .test(name) || name === "search.messages" || name === "audit.list";
      assert.equal(
        m["x-hero-annotations"]?.readOnlyHint === true,
        reads,
        `${name}: readOnlyHint should be ${reads}`,
      );
    }
    for (const destructive of ["messages.delete", "channels.kick", "reactions.remove"]) {
      assert.equal((byName.get(destructive) as Any)["x-hero-annotations"].destructiveHint, true);
    }
  });

  it("serves the owner over rpc.sock, with the data on disk in WAL mode", async () => {
    const [ws] = await rpc.call<Any[]>("workspaces.list", {});
    const [general] = await rpc.call<Any[]>("channels.list", { workspace_id: ws.id });
    const m = await rpc.call<Any>("messages.post", { channel_id: general.id, text: "hello" });
    assert.equal(m.user.username, "owner");
    const me = await rpc.call<Any>("users.me", {});
    assert.equal(me.admin, true);
    assert.ok(fs.existsSync(path.join(root, "data", "collab.db-wal")));
  });
});
