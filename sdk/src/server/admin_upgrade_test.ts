/** The Node adapter hands Upgrade requests on admin.sock to `adminUpgrade` (WebSockets). */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { test } from "node:test";
import { defineApi, HeroServer } from "../../mod.ts";

// Node only: Deno upgrades inside the fetch handler, so deno.json leaves this file out of `deno test`.
test("adminUpgrade receives Upgrade requests on admin.sock", async () => {
  const root = await mkdtemp(`${tmpdir()}/hero_upgrade_`);
  const seen: string[] = [];
  const server = new HeroServer({
    name: "upgrader",
    api: defineApi({ info: { title: "u", version: "1" }, methods: [] }),
    socketRoot: root,
    admin: () => Promise.resolve(new Response("page")),
    adminUpgrade: (req, socket) => {
      seen.push((req as { url: string }).url);
      (socket as net.Socket).end(
        "HTTP/1.1 101 Switching Protocols\r\nupgrade: test\r\nconnection: Upgrade\r\n\r\nhello",
      );
    },
  });
  try {
    await server.start();
    const reply = await new Promise<string>((resolve, reject) => {
      const sock = net.connect({ path: `${root}/upgrader/admin.sock` });
      let data = "";
      sock.on("data", (d) => (data += d));
      sock.on("end", () => resolve(data));
      sock.on("error", reject);
      sock.write(
        "GET /terminal/ws HTTP/1.1\r\nhost: x\r\nupgrade: test\r\nconnection: Upgrade\r\n\r\n",
      );
    });
    assert.match(reply, /^HTTP\/1\.1 101/);
    assert.match(reply, /hello$/);
    assert.deepEqual(seen, ["/terminal/ws"]);
  } finally {
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
});
