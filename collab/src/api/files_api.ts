/**
 * The `files.*` methods. The web client uploads with `POST /files` on admin.sock (streamed,
 * size-checked); these methods serve agents and scripts: upload as base64 (up to what an RPC
 * body carries), metadata, listing, and the preview image as binary content (MCP image).
 */
import { binarySchema, decodeBase64, encodeBase64, type MethodSpec } from "@hero/sdk";
import fs from "node:fs";
import type { CollabService } from "../collab_service.ts";
import type { FileRecord } from "../store/records.ts";
import { collabError, ERRORS } from "../errors.ts";
import { collabMethod, idParam, READ, ref } from "./define.ts";

/** The file methods. */
// deno-lint-ignore no-explicit-any
export function fileMethods(svc: CollabService): MethodSpec<any, any>[] {
  return [
    collabMethod<
      { channel_id: string; name: string; mime?: string; content_base64: string },
      FileRecord
    >(svc, {
      name: "files.upload",
      summary: "Upload a file to a channel (then attach it with messages.post files)",
      description: "Bytes as base64; up to 2 MiB this way, larger files through the web client.",
      tags: ["files"],
      params: [
        idParam("channel_id", "Channel id"),
        { name: "name", required: true, schema: { type: "string", minLength: 1, maxLength: 200 } },
        { name: "mime", schema: { type: "string", maxLength: 100 } },
        {
          name: "content_base64",
          required: true,
          schema: { type: "string", maxLength: 3 * 1024 * 1024, contentEncoding: "base64" },
        },
      ],
      result: { name: "file", schema: ref("File") },
      errors: [ERRORS.notFound, ERRORS.forbidden, ERRORS.tooLarge],
      handler: (p, actor) => {
        let bytes: Uint8Array;
        try {
          bytes = decodeBase64(p.content_base64);
        } catch {
          throw collabError("INVALID_PARAMS", "content_base64 is not base64");
        }
        return svc.files.upload(actor, { ...p, bytes });
      },
    }),
    collabMethod<{ id: string }, FileRecord>(svc, {
      name: "files.get",
      summary: "A file's name, type, size, content hash and image size",
      tags: ["files"],
      params: [idParam("id", "File id")],
      result: { name: "file", schema: ref("File") },
      errors: [ERRORS.notFound],
      annotations: READ,
      handler: ({ id }, actor) => svc.files.get(actor, id),
    }),
    collabMethod<{ channel_id: string; limit?: number }, FileRecord[]>(svc, {
      name: "files.list",
      summary: "Files shared in a channel, newest first",
      tags: ["files"],
      params: [
        idParam("channel_id", "Channel id"),
        { name: "limit", schema: { type: "integer", minimum: 1, maximum: 500 } },
      ],
      result: { name: "files", schema: { type: "array", items: ref("File") } },
      errors: [ERRORS.notFound],
      annotations: READ,
      handler: ({ channel_id, limit }, actor) => svc.files.list(actor, channel_id, limit),
    }),
    collabMethod<{ id: string }, string>(svc, {
      name: "files.preview",
      summary: "The preview of an image file (WebP, at most 480x360)",
      tags: ["files"],
      params: [idParam("id", "File id")],
      result: { name: "preview", schema: binarySchema("image/webp") },
      errors: [ERRORS.notFound],
      annotations: READ,
      handler: ({ id }, actor) => {
        const f = svc.files.get(actor, id);
        if (!f.has_preview) throw collabError("NOT_FOUND", `File "${id}" has no preview`);
        return encodeBase64(fs.readFileSync(svc.files.previewPath(f.sha256)));
      },
    }),
  ];
}
