/**
 * The notes service API: seven methods declared once with schemas, errors and examples; the
 * declarations produce both the dispatcher and the OpenRPC document.
 */
import { defineApi, defineMethod, RpcApi, RpcError } from "../../sdk/mod.ts";
import type { Note, NoteStore } from "./note_store.ts";

/** Application error codes of the notes service. */
export const NotesError = { NotFound: 4004, Conflict: 4009 } as const;

const noteRef = { $ref: "#/components/schemas/Note" };
const idParam = {
  name: "id",
  required: true,
  description: "Id of the note",
  schema: { type: "integer", minimum: 1 },
};
const notFound = { code: NotesError.NotFound, message: "Note not found" };
const sample: Note = {
  id: 1,
  title: "Groceries",
  body: "milk, eggs",
  tags: ["home"],
  version: 1,
  created_at: "2026-01-01T10:00:00.000Z",
  updated_at: "2026-01-01T10:00:00.000Z",
};

const schemas = {
  Note: {
    type: "object",
    required: ["id", "title", "body", "tags", "version", "created_at", "updated_at"],
    properties: {
      id: { type: "integer", minimum: 1 },
      title: { type: "string", minLength: 1, maxLength: 200 },
      body: { type: "string", maxLength: 100_000 },
      tags: { $ref: "#/components/schemas/Tags" },
      version: { type: "integer", minimum: 1, description: "Incremented on every update" },
      created_at: { type: "string", format: "date-time" },
      updated_at: { type: "string", format: "date-time" },
    },
  },
  Tags: {
    type: "array",
    maxItems: 20,
    uniqueItems: true,
    items: { type: "string", pattern: "^[a-z0-9_-]{1,32}$" },
  },
};

/** Builds the API over a store. */
export function notesApi(store: NoteStore): RpcApi {
  const mustGet = (id: number): Note => {
    const note = store.get(id);
    if (!note) throw new RpcError(NotesError.NotFound, `Note ${id} not found`, { id });
    return note;
  };
  return defineApi({
    info: {
      title: "Notes",
      version: "1.0.0",
      description: "A small notes store persisted in SQLite, with tags and full-text search.",
      license: { name: "Apache-2.0" },
    },
    components: { schemas },
    methods: [
      defineMethod<{ title: string; body?: string; tags?: string[] }, Note>({
        name: "notes.create",
        summary: "Create a note",
        tags: ["notes"],
        params: [
          { name: "title", required: true, schema: schemas.Note.properties.title },
          { name: "body", schema: schemas.Note.properties.body },
          { name: "tags", schema: { $ref: "#/components/schemas/Tags" } },
        ],
        result: { name: "note", schema: noteRef },
        examples: [{
          name: "create groceries",
          params: [{ name: "title", value: "Groceries" }, { name: "body", value: "milk, eggs" }, {
            name: "tags",
            value: ["home"],
          }],
          result: { name: "note", value: sample },
        }],
        handler: ({ title, body = "", tags = [] }) => store.create(title, body, tags),
      }),
      defineMethod<{ id: number }, Note>({
        name: "notes.get",
        summary: "Get a note by id",
        tags: ["notes"],
        params: [idParam],
        result: { name: "note", schema: noteRef },
        errors: [notFound],
        annotations: { readOnlyHint: true },
        examples: [{
          name: "get note 1",
          params: [{ name: "id", value: 1 }],
          result: { name: "note", value: sample },
        }],
        handler: ({ id }) => mustGet(id),
      }),
      defineMethod<
        { id: number; title?: string; body?: string; tags?: string[]; expected_version?: number },
        Note
      >({
        name: "notes.update",
        summary: "Change a note",
        description: "Only the given fields change. With `expected_version`, the update is " +
          "refused with a conflict error if the note changed in the meantime.",
        tags: ["notes"],
        params: [
          idParam,
          { name: "title", schema: schemas.Note.properties.title },
          { name: "body", schema: schemas.Note.properties.body },
          { name: "tags", schema: { $ref: "#/components/schemas/Tags" } },
          { name: "expected_version", schema: { type: "integer", minimum: 1 } },
        ],
        result: { name: "note", schema: noteRef },
        errors: [notFound, { code: NotesError.Conflict, message: "Note changed meanwhile" }],
        annotations: { idempotentHint: true },
        examples: [{
          name: "retitle",
          params: [{ name: "id", value: 1 }, { name: "title", value: "Shopping" }],
          result: { name: "note", value: { ...sample, title: "Shopping", version: 2 } },
        }],
        handler: ({ id, expected_version, ...patch }) => {
          const out = store.update(id, patch, expected_version);
          if (out.ok) return out.note;
          if (out.reason === "missing") {
            throw new RpcError(NotesError.NotFound, `Note ${id} not found`, { id });
          }
          throw new RpcError(
            NotesError.Conflict,
            `Note ${id} is at version ${out.current?.version}, not ${expected_version}`,
            { id, version: out.current?.version },
          );
        },
      }),
      defineMethod<{ id: number }, { deleted: true; id: number }>({
        name: "notes.delete",
        summary: "Delete a note",
        tags: ["notes"],
        params: [idParam],
        result: {
          name: "outcome",
          schema: {
            type: "object",
            required: ["deleted", "id"],
            properties: { deleted: { const: true }, id: { type: "integer" } },
          },
        },
        errors: [notFound],
        annotations: { destructiveHint: true, idempotentHint: false },
        examples: [{
          name: "delete note 1",
          params: [{ name: "id", value: 1 }],
          result: { name: "outcome", value: { deleted: true, id: 1 } },
        }],
        handler: ({ id }) => {
          if (!store.delete(id)) {
            throw new RpcError(NotesError.NotFound, `Note ${id} not found`, { id });
          }
          return { deleted: true, id };
        },
      }),
      defineMethod<{ tag?: string; limit?: number; cursor?: number }, {
        notes: Note[];
        next_cursor: number | null;
      }>({
        name: "notes.list",
        summary: "List notes, newest first",
        tags: ["notes"],
        params: [
          { name: "tag", schema: { type: "string" }, description: "Only notes with this tag" },
          { name: "limit", schema: { type: "integer", minimum: 1, maximum: 500, default: 50 } },
          {
            name: "cursor",
            schema: { type: "integer", minimum: 1 },
            description: "next_cursor of the previous page",
          },
        ],
        result: {
          name: "page",
          schema: {
            type: "object",
            required: ["notes", "next_cursor"],
            properties: {
              notes: { type: "array", items: noteRef },
              next_cursor: { type: ["integer", "null"] },
            },
          },
        },
        annotations: { readOnlyHint: true },
        examples: [{
          name: "first page",
          params: [{ name: "limit", value: 10 }],
          result: { name: "page", value: { notes: [sample], next_cursor: null } },
        }],
        handler: ({ tag, limit = 50, cursor }) => {
          const notes = store.list({ tag, limit: limit + 1, before: cursor });
          const more = notes.length > limit;
          if (more) notes.pop();
          return { notes, next_cursor: more ? notes[notes.length - 1].id : null };
        },
      }),
      defineMethod<{ query: string; limit?: number }, Note[]>({
        name: "notes.search",
        summary: "Full-text search in titles and bodies",
        tags: ["notes"],
        params: [
          {
            name: "query",
            required: true,
            schema: { type: "string", minLength: 1, maxLength: 200 },
          },
          { name: "limit", schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
        ],
        result: { name: "notes", schema: { type: "array", items: noteRef } },
        annotations: { readOnlyHint: true },
        examples: [{
          name: "find milk",
          params: [{ name: "query", value: "milk" }],
          result: { name: "notes", value: [sample] },
        }],
        handler: ({ query, limit = 20 }) => store.search(query, limit),
      }),
      defineMethod<Record<string, never>, { notes: number; tags: Record<string, number> }>({
        name: "notes.stats",
        summary: "Number of notes, in total and per tag",
        tags: ["notes"],
        params: [],
        result: {
          name: "stats",
          schema: {
            type: "object",
            required: ["notes", "tags"],
            properties: {
              notes: { type: "integer" },
              tags: { type: "object", additionalProperties: { type: "integer" } },
            },
          },
        },
        annotations: { readOnlyHint: true },
        examples: [{
          name: "stats",
          params: [],
          result: { name: "stats", value: { notes: 1, tags: { home: 1 } } },
        }],
        handler: () => store.stats(),
      }),
    ],
  });
}
