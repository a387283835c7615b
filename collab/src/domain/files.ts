/**
 * Uploads: bytes kept on disk once per content (`files/<sha256 prefix>/<sha256>`), a record per
 * upload (name, type, size, hash, image size), and a WebP preview for images (with `sharp`).
 * Uploads are bounded in size, belong to a channel the uploader may post in, and are attached to
 * one message; files nobody references any more are swept.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import { collabError } from "../errors.ts";
import type { CollabStore } from "../store/collab_store.ts";
import type { FileRecord } from "../store/records.ts";
import type { Access, Actor } from "./access.ts";
import type { Moderation } from "./moderation.ts";
import type { CollabLimits } from "./limits.ts";

const IMAGE = /^image\/(png|jpeg|gif|webp)$/;
/** Types a browser may show inline; everything else downloads (SVG and HTML could run script). */
const INLINE =
  /^(image\/(png|jpeg|gif|webp)|text\/plain|application\/pdf|video\/(mp4|webm)|audio\/(mpeg|ogg|wav))$/;

/** Uploaded files. */
export class Files {
  readonly #s: CollabStore;
  readonly #access: Access;
  readonly #limits: CollabLimits;
  readonly dir: string;
  /** Mutes hold uploads back too. */
  moderation?: Moderation;

  /** Keeps bytes under `dir`. */
  constructor(store: CollabStore, access: Access, limits: CollabLimits, dir: string) {
    this.#s = store;
    this.#access = access;
    this.#limits = limits;
    this.dir = dir;
    fs.mkdirSync(path.join(dir, "blobs"), { recursive: true, mode: 0o700 });
    fs.mkdirSync(path.join(dir, "previews"), { recursive: true, mode: 0o700 });
  }

  /** Stores an upload for a channel; it is attached when a message names it. */
  async upload(
    actor: Actor,
    input: { channel_id: string; name: string; mime?: string; bytes: Uint8Array },
  ): Promise<FileRecord> {
    const channel = this.#access.readable(actor, input.channel_id);
    this.#access.mustPost(actor, channel);
    this.moderation?.check(actor, channel, {});
    const name = cleanName(input.name);
    if (input.bytes.byteLength > this.#limits.maxUploadBytes) {
      throw collabError(
        "TOO_LARGE",
        `"${name}" is ${input.bytes.byteLength} bytes; the limit is ${this.#limits.maxUploadBytes}`,
        { limit: this.#limits.maxUploadBytes },
      );
    }
    if (input.bytes.byteLength === 0) throw collabError("INVALID_PARAMS", `"${name}" is empty`);
    const sha256 = createHash("sha256").update(input.bytes).digest("hex");
    const blob = this.blobPath(sha256);
    if (!fs.existsSync(blob)) {
      fs.mkdirSync(path.dirname(blob), { recursive: true, mode: 0o700 });
      const tmp = `${blob}.${process.pid}.${Date.now()}.tmp`;
      fs.writeFileSync(tmp, input.bytes, { mode: 0o600 });
      fs.renameSync(tmp, blob);
    }
    const mime = sniffMime(input.bytes, input.mime, name);
    let width: number | null = null;
    let height: number | null = null;
    let hasPreview = false;
    if (IMAGE.test(mime)) {
      try {
        // Loaded on the first image: libvips costs some 28 MB that text-only chats never use.
        const sharp = (await import("sharp")).default;
        const meta = await sharp(input.bytes).metadata();
        width = meta.width ?? null;
        height = meta.height ?? null;
        const preview = this.previewPath(sha256);
        if (!fs.existsSync(preview)) {
          await sharp(input.bytes, { animated: false }).rotate()
            .resize({ width: 480, height: 360, fit: "inside", withoutEnlargement: true })
            .webp({ quality: 80 }).toFile(preview);
        }
        hasPreview = true;
      } catch {
        // Not a decodable image after all: kept as a plain file.
      }
    }
    return this.#s.tx(() =>
      this.#s.files.insert({
        workspace_id: channel.workspace_id,
        channel_id: channel.id,
        message_id: null,
        user_id: actor.userId,
        name,
        mime,
        size: input.bytes.byteLength,
        sha256,
        width,
        height,
        has_preview: hasPreview,
      })
    );
  }

  /** A file the actor may read (its channel is readable). */
  get(actor: Actor, id: string): FileRecord {
    const f = this.#s.files.find(id);
    if (!f || !f.channel_id || !this.#access.canRead(actor, this.#s.channels.get(f.channel_id))) {
      throw collabError("NOT_FOUND", `No file with id "${id}"`, { id });
    }
    if (!f.message_id && f.user_id !== actor.userId) {
      throw collabError("NOT_FOUND", `No file with id "${id}"`, { id });
    }
    return f;
  }

  /** Files of a channel, newest first. */
  list(actor: Actor, channelId: string, limit = 50): FileRecord[] {
    this.#access.readable(actor, channelId);
    return this.#s.files.where(
      "channel_id = ? AND message_id IS NOT NULL ORDER BY seq DESC LIMIT ?",
      channelId,
      Math.min(limit, 500),
    );
  }

  /** Where a file's bytes are. */
  blobPath(sha256: string): string {
    return path.join(this.dir, "blobs", sha256.slice(0, 2), sha256);
  }

  /** Where an image's preview is. */
  previewPath(sha256: string): string {
    return path.join(this.dir, "previews", `${sha256}.webp`);
  }

  /** Whether a type may be shown inline by browsers (else it is served as a download). */
  static inline(mime: string): boolean {
    return INLINE.test(mime);
  }

  /**
   * Deletes upload records never attached within `graceMs` and detached ones, then bytes no
   * record references. Returns how many blobs went.
   */
  sweep(graceMs = 24 * 3600_000): number {
    this.#s.db.prepare(
      "DELETE FROM files WHERE (message_id IS NULL AND created_at < ?) OR channel_id = ''",
    ).run(Date.now() - graceMs);
    const used = new Set(
      (this.#s.db.prepare("SELECT DISTINCT sha256 FROM files").all() as { sha256: string }[])
        .map((r) => r.sha256),
    );
    let removed = 0;
    const blobs = path.join(this.dir, "blobs");
    for (const prefix of fs.readdirSync(blobs)) {
      for (const name of fs.readdirSync(path.join(blobs, prefix))) {
        if (used.has(name) || name.endsWith(".tmp")) continue;
        fs.rmSync(path.join(blobs, prefix, name), { force: true });
        fs.rmSync(this.previewPath(name), { force: true });
        removed++;
      }
    }
    return removed;
  }
}

function cleanName(name: string): string {
  // deno-lint-ignore no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f/\\]/g, "_").trim().slice(0, 200);
  if (!clean || clean === "." || clean === "..") {
    throw collabError("INVALID_PARAMS", `Invalid file name "${name}"`);
  }
  return clean;
}

/** The type from the bytes for images, else the declared one, else from the extension. */
function sniffMime(bytes: Uint8Array, declared: string | undefined, name: string): string {
  const b = bytes;
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return "image/png";
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  if (b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return "image/gif";
  if (b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return "image/webp";
  const byExt: Record<string, string> = {
    txt: "text/plain",
    md: "text/markdown",
    pdf: "application/pdf",
    json: "application/json",
    csv: "text/csv",
    zip: "application/zip",
  };
  const ext = name.split(".").pop()?.toLowerCase() ?? "";
  const guess = byExt[ext] ??
    (declared && /^[\w.+-]+\/[\w.+-]+$/.test(declared) ? declared : undefined);
  // Declared images that are not images are plain bytes.
  if (!guess || guess.startsWith("image/")) return "application/octet-stream";
  return guess;
}
