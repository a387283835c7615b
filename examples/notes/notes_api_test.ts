/** The notes service over a real socket, on whichever runtime runs this file. */
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Ajv } from "ajv";
import { HeroServer, RpcClient, RpcError, RpcErrorCode } from "../../sdk/mod.ts";
import { assertValidOpenRpc } from "../../sdk/test/assert_openrpc.ts";
import { notesApi, NotesError } from "./notes_api.ts";
import { type Note, NoteStore } from "./note_store.ts";

describe("notes service", () => {
  let root: string;
  let store: NoteStore;
  let server: HeroServer;
  let client: RpcClient;

  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), "hero-notes-"));
    store = new NoteStore(path.join(root, "notes.db"));
    server = new HeroServer({ name: "notes", api: notesApi(store), socketRoot: root });
    await server.start();
    client = new RpcClient(server.rpcSocketPath);
  });

  after(async () => {
    client.close();
    await server.close();
    store.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  it("creates, reads, updates with version checks and deletes notes", async () => {
    const note = await client.call<Note>("notes.create", { title: "Milk", tags: ["home"] });
    assert.equal(note.title, "Milk");
    assert.equal(note.body, "");
    assert.equal(note.version, 1);
    assert.deepEqual(await client.call("notes.get", { id: note.id }), note);
    const v2 = await client.call<Note>("notes.update", {
      id: note.id,
      body: "2 l",
      expected_version: 1,
    });
    assert.equal(v2.version, 2);
    assert.equal(v2.title, "Milk");
    const conflict = await client.call("notes.update", {
      id: note.id,
      title: "X",
      expected_version: 1,
    })
      .catch((e: RpcError) => e);
    assert.ok(conflict instanceof RpcError && conflict.code === NotesError.Conflict);
    assert.deepEqual(conflict.data, { id: note.id, version: 2 });
    assert.equal((await client.call<Note>("notes.get", [note.id])).title, "Milk");
    assert.deepEqual(await client.call("notes.delete", { id: note.id }), {
      deleted: true,
      id: note.id,
    });
    const gone = await client.call("notes.get", { id: note.id }).catch((e: RpcError) => e);
    assert.ok(gone instanceof RpcError && gone.code === NotesError.NotFound);
  });

  it("lists with tags and cursor pagination, searches, and counts", async () => {
    for (let i = 1; i <= 5; i++) {
      await client.call("notes.create", {
        title: `Note ${i}`,
        body: i % 2 ? "odd apple" : "even",
        tags: i % 2 ? ["odd"] : [],
      });
    }
    const page1 = await client.call<{ notes: Note[]; next_cursor: number }>("notes.list", {
      limit: 2,
    });
    assert.deepEqual(page1.notes.map((n) => n.title), ["Note 5", "Note 4"]);
    const page2 = await client.call<{ notes: Note[] }>("notes.list", {
      limit: 2,
      cursor: page1.next_cursor,
    });
    assert.deepEqual(page2.notes.map((n) => n.title), ["Note 3", "Note 2"]);
    const odd = await client.call<{ notes: Note[] }>("notes.list", { tag: "odd" });
    assert.equal(odd.notes.length, 3);
    const found = await client.call<Note[]>("notes.search", { query: 'apple "OR' });
    assert.equal(found.length, 0, "query syntax in user input is treated as words");
    assert.equal((await client.call<Note[]>("notes.search", { query: "apple" })).length, 3);
    assert.deepEqual(await client.call("notes.stats"), { notes: 5, tags: { odd: 3 } });
  });

  it("rejects bad input with -32602 and changes nothing", async () => {
    const before = await client.call("notes.stats");
    for (
      const params of [{}, { title: "" }, { title: 5 }, { title: "x", tags: ["Bad Tag"] }, {
        title: "x",
        extra: 1,
      }]
    ) {
      const err = await client.call("notes.create", params).catch((e: RpcError) => e);
      assert.ok(
        err instanceof RpcError && err.code === RpcErrorCode.InvalidParams,
        JSON.stringify(params),
      );
    }
    assert.deepEqual(await client.call("notes.stats"), before);
  });

  it("publishes a valid OpenRPC document whose examples satisfy their own schemas", async () => {
    const doc = await client.call<{ methods: Record<string, unknown>[]; components: object }>(
      "rpc.discover",
    );
    assertValidOpenRpc(doc);
    assert.ok(doc.methods.length >= 5);
    const ajv = new Ajv({ strict: false, validateFormats: false });
    for (
      const m of doc.methods as {
        name: string;
        params: { name: string; schema: object }[];
        result: { schema: object };
        examples: { params: { name: string; value: unknown }[]; result: { value: unknown } }[];
      }[]
    ) {
      assert.ok(m.examples?.length, `${m.name} has examples`);
      for (const ex of m.examples) {
        for (const p of ex.params) {
          const schema = m.params.find((d) => d.name === p.name)!.schema;
          assert.ok(
            ajv.validate({ ...schema, components: doc.components }, p.value),
            `${m.name} ${p.name}`,
          );
        }
        assert.ok(
          ajv.validate({ ...m.result.schema, components: doc.components }, ex.result.value),
          m.name,
        );
      }
    }
  });
});
