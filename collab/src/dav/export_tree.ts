/**
 * The export as a tree of folders and files, computed from the database for one reader:
 * `/export.jsonl` (a Mattermost-style bulk export: version, users, channels, posts with their
 * replies), then `/<workspace>/<channel>/<YYYY-MM-DD>.md` and `.json` per day with messages,
 * and `/<workspace>/<channel>/files/<file id>-<name>` for attachments.
 */
import fs from "node:fs";
import type { Actor } from "../domain/access.ts";
import type { CollabService } from "../collab_service.ts";
import type { Channel, Message } from "../store/records.ts";

/** A node of the tree. */
export type ExportNode =
  | { kind: "dir"; name: string; modified: Date; children(): ExportNode[] }
  | {
    kind: "file";
    name: string;
    modified: Date;
    mime: string;
    size(): number;
    bytes(): Uint8Array;
  };

const enc = new TextEncoder();

/** A file node over lazily built bytes. */
function file(name: string, mime: string, modified: Date, build: () => Uint8Array): ExportNode {
  let cached: Uint8Array | undefined;
  const bytes = () => cached ??= build();
  return { kind: "file", name, mime, modified, bytes, size: () => bytes().byteLength };
}

/** The root of the export for `actor`. */
export function exportRoot(svc: CollabService, actor: Actor): ExportNode {
  const readable = svc.access.readableIds(actor);
  const channelsOf = (workspaceId: string) =>
    svc.store.channels.where("workspace_id = ? ORDER BY name", workspaceId).filter((c) =>
      readable.has(c.id)
    );
  return {
    kind: "dir",
    name: "",
    modified: new Date(),
    children: () => [
      file(
        "export.jsonl",
        "application/x-ndjson",
        new Date(),
        () => enc.encode(bulkExport(svc, actor)),
      ),
      ...svc.channels.workspaces(actor).map((ws): ExportNode => ({
        kind: "dir",
        name: ws.slug,
        modified: new Date(ws.updated_at),
        children: () => channelsOf(ws.id).map((c) => channelDir(svc, c)),
      })),
    ],
  };
}

function channelDir(svc: CollabService, c: Channel): ExportNode {
  const db = svc.store.db;
  return {
    kind: "dir",
    name: c.name,
    modified: new Date(c.updated_at),
    children: () => {
      const days = db.prepare(
        `SELECT date(created_at / 1000, 'unixepoch') AS day, max(updated_at) AS modified FROM messages
         WHERE channel_id = ? AND deleted_at IS NULL GROUP BY day ORDER BY day`,
      ).all(c.id) as { day: string; modified: number }[];
      const out: ExportNode[] = [];
      for (const { day, modified } of days) {
        const messages = () => dayMessages(svc, c.id, day);
        const when = new Date(modified);
        out.push(
          file(
            `${day}.md`,
            "text/markdown; charset=utf-8",
            when,
            () => enc.encode(dayMarkdown(svc, c, day, messages())),
          ),
        );
        out.push(
          file(
            `${day}.json`,
            "application/json",
            when,
            () => enc.encode(JSON.stringify(messages().map(exported), null, 2) + "\n"),
          ),
        );
      }
      const files = svc.store.files.where(
        "channel_id = ? AND message_id IS NOT NULL ORDER BY seq",
        c.id,
      );
      if (files.length) {
        out.push({
          kind: "dir",
          name: "files",
          modified: new Date(files[files.length - 1].updated_at),
          children: () =>
            files.map((f) => ({
              kind: "file" as const,
              name: `${f.id}-${f.name}`,
              mime: f.mime,
              modified: new Date(f.created_at),
              size: () => f.size,
              bytes: () => new Uint8Array(fs.readFileSync(svc.files.blobPath(f.sha256))),
            })),
        });
      }
      return out;
    },
  };
}

/** Messages (and replies) of one UTC day, oldest first. */
export function dayMessages(
  svc: CollabService,
  channelId: string,
  day: string,
): (Message & { seq: number })[] {
  const start = Date.parse(`${day}T00:00:00Z`);
  return svc.store.messages.where(
    "channel_id = ? AND deleted_at IS NULL AND created_at >= ? AND created_at < ? ORDER BY seq",
    channelId,
    start,
    start + 86_400_000,
  );
}

/** The JSON shape of an exported message. */
export function exported(m: Message & { seq: number }): Record<string, unknown> {
  return {
    id: m.id,
    created_at: m.created_at,
    user_id: m.user_id,
    bot_name: m.bot_name,
    text: m.text,
    thread_id: m.thread_id,
    also_in_channel: m.also_in_channel,
    edited_at: m.edited_at,
    pinned_at: m.pinned_at,
    files: m.files,
  };
}

function dayMarkdown(
  svc: CollabService,
  c: Channel,
  day: string,
  messages: (Message & { seq: number })[],
): string {
  const name = (id: string, bot: string | null) =>
    bot ?? svc.store.directory.user(id)?.username ?? id;
  const lines = [`# #${c.name} — ${day}`, ""];
  for (const m of messages) {
    const time = m.created_at.slice(11, 16);
    const prefix = m.thread_id ? "> ↳ " : "";
    lines.push(
      `${prefix}**${name(m.user_id, m.bot_name)}** ${time} UTC${m.edited_at ? " (edited)" : ""}`,
    );
    for (const line of m.text.split("\n")) lines.push(`${prefix}${line}`);
    for (const f of m.files) lines.push(`${prefix}📎 [${f}](files/${f})`);
    lines.push("");
  }
  return lines.join("\n");
}

/** A Mattermost-style bulk export (one JSON object per line) of what `actor` may read. */
export function bulkExport(svc: CollabService, actor: Actor): string {
  const out: unknown[] = [{ type: "version", version: 1 }];
  const readable = svc.access.readableIds(actor);
  for (const u of svc.store.directory.users("", 100_000)) {
    out.push({ type: "user", user: { username: u.username, nickname: u.display_name } });
  }
  for (const ws of svc.channels.workspaces(actor)) {
    out.push({
      type: "team",
      team: { name: ws.slug, display_name: ws.name, description: ws.description },
    });
    for (const c of svc.store.channels.where("workspace_id = ? ORDER BY name", ws.id)) {
      if (!readable.has(c.id)) continue;
      const type = c.kind === "public"
        ? "O"
        : c.kind === "private"
        ? "P"
        : c.kind === "dm"
        ? "D"
        : "G";
      out.push({
        type: "channel",
        channel: {
          team: ws.slug,
          name: c.name,
          display_name: c.name,
          type,
          header: c.topic,
          purpose: c.purpose,
        },
      });
      const username = (id: string) => svc.store.directory.user(id)?.username ?? id;
      const all = svc.store.messages.where(
        "channel_id = ? AND deleted_at IS NULL ORDER BY seq",
        c.id,
      );
      const replies = new Map<string, typeof all>();
      for (const m of all) {
        if (m.thread_id) replies.set(m.thread_id, [...(replies.get(m.thread_id) ?? []), m]);
      }
      for (const m of all) {
        if (m.thread_id) continue;
        out.push({
          type: "post",
          post: {
            team: ws.slug,
            channel: c.name,
            user: m.bot_name ?? username(m.user_id),
            message: m.text,
            create_at: Date.parse(m.created_at),
            is_pinned: !!m.pinned_at,
            replies: (replies.get(m.id) ?? []).map((r) => ({
              user: username(r.user_id),
              message: r.text,
              create_at: Date.parse(r.created_at),
            })),
          },
        });
      }
    }
  }
  return out.map((o) => JSON.stringify(o)).join("\n") + "\n";
}
