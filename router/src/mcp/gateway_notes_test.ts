/**
 * The gateway in front of the real notes example service (SQLite file, real socket), used by
 * both official clients: tool list and schemas, calls, application errors, annotations.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client";
// @ts-types="../../../node_modules/@modelcontextprotocol/sdk/dist/esm/client/streamableHttp.d.ts"
import { StreamableHTTPClientTransport as V1Transport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Client as V2Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { notesApi } from "../../../examples/notes/notes_api.ts";
import { NoteStore } from "../../../examples/notes/note_store.ts";
import { GatewayHarness } from "./test_fixtures.ts";

describe("gateway in front of the notes example service", () => {
  const harness = new GatewayHarness();
  let store: NoteStore;
  let v1: V1Client;
  let v2: V2Client;

  before(async () => {
    store = new NoteStore(`${harness.socketRoot}/notes.db`);
    await harness.addService("notes", notesApi(store));
    await harness.start();
    v1 = new V1Client({ name: "v1-notes", version: "1.0.0" });
    await v1.connect(new V1Transport(new URL(`${harness.url}/notes`)));
    v2 = new V2Client({ name: "v2-notes", version: "1.0.0" }, {
      versionNegotiation: { mode: { pin: "2026-07-28" } },
    });
    await v2.connect(new StreamableHTTPClientTransport(harness.url));
  });
  after(async () => {
    await v1?.close();
    await v2?.close();
    await harness.close();
    store?.close();
  });

  it("lists the seven methods with resolved schemas and annotations", async () => {
    const { tools } = await v1.listTools();
    assert.deepEqual(tools.map((t) => t.name), [
      "notes_notes_create",
      "notes_notes_get",
      "notes_notes_update",
      "notes_notes_delete",
      "notes_notes_list",
      "notes_notes_search",
      "notes_notes_stats",
    ]);
    const create = tools[0];
    assert.deepEqual(create.inputSchema.required, ["title"]);
    const tags = (create.inputSchema.properties as Record<string, Record<string, unknown>>).tags;
    assert.equal(tags.type, "array", "the Tags $ref is inlined");
    assert.equal(JSON.stringify(create.inputSchema).includes("$ref"), false);
    assert.deepEqual(tools[1].annotations, { readOnlyHint: true });
    assert.deepEqual(tools[3].annotations, { destructiveHint: true, idempotentHint: false });
    assert.deepEqual((await v2.listTools()).tools.map((t) => t.name), tools.map((t) => t.name));
  });

  it("creates with one client and reads with the other", async () => {
    const created = await v1.callTool({
      name: "notes_notes_create",
      arguments: { title: "Groceries", body: "milk", tags: ["home"] },
    });
    assert.equal(created.isError, undefined);
    const note = created.structuredContent as { id: number; title: string };
    assert.equal(note.title, "Groceries");
    const got = await v2.callTool({ name: "notes_notes_get", arguments: { id: note.id } });
    assert.deepEqual(got.structuredContent, created.structuredContent);
    const found = await v2.callTool({ name: "notes_notes_search", arguments: { query: "milk" } });
    assert.equal((found.structuredContent as { result: unknown[] }).result.length, 1);
  });

  it("returns the service's application error as an isError result", async () => {
    const res = await v2.callTool({ name: "notes_notes_get", arguments: { id: 999 } });
    assert.equal(res.isError, true);
    assert.deepEqual(res.structuredContent, {
      error: { code: 4004, message: "Note 999 not found", data: { id: 999 } },
    });
  });
});
