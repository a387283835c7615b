/** The `reads.*` and `notifications.*` methods: read markers, unread counts, notifications. */
import type { MethodSpec } from "@hero/sdk";
import type { CollabService } from "../collab_service.ts";
import type { ChannelCounts } from "../domain/reads.ts";
import type { Notification } from "../store/records.ts";
import { ERRORS } from "../errors.ts";
import { collabMethod, IDEMPOTENT, idParam, READ, ref } from "./define.ts";

/** The read-marker and notification methods. */
// deno-lint-ignore no-explicit-any
export function readMethods(svc: CollabService): MethodSpec<any, any>[] {
  const r = svc.reads;
  return [
    collabMethod<{ channel_id: string; message_id?: string }, ChannelCounts>(svc, {
      name: "reads.mark",
      summary: "Move the caller's read marker in a channel (to a message, or to the newest)",
      tags: ["reads"],
      params: [
        idParam("channel_id", "Channel id"),
        idParam("message_id", "Last read message (earlier marks later ones unread)", false),
      ],
      result: { name: "counts", schema: ref("Counts") },
      errors: [ERRORS.notFound, ERRORS.forbidden],
      annotations: IDEMPOTENT,
      handler: (p, actor) => r.mark(actor, p.channel_id, p.message_id),
    }),
    collabMethod<{ workspace_id: string }, ChannelCounts[]>(svc, {
      name: "reads.counts",
      summary: "Unread and mention counts of every channel the caller is in",
      tags: ["reads"],
      params: [idParam("workspace_id", "Workspace id")],
      result: { name: "counts", schema: { type: "array", items: ref("Counts") } },
      errors: [ERRORS.notFound],
      annotations: READ,
      handler: (p, actor) => {
        svc.channels.workspace(actor, p.workspace_id);
        return r.workspaceCounts(actor, p.workspace_id);
      },
    }),
    collabMethod<{ unread_only?: boolean; limit?: number }, Notification[]>(svc, {
      name: "notifications.list",
      summary: "The caller's notifications (mentions, DMs, thread replies), newest first",
      tags: ["notifications"],
      params: [
        { name: "unread_only", schema: { type: "boolean" } },
        { name: "limit", schema: { type: "integer", minimum: 1, maximum: 500 } },
      ],
      result: { name: "notifications", schema: { type: "array", items: { type: "object" } } },
      annotations: READ,
      handler: (p, actor) => r.notifications(actor, p),
    }),
    collabMethod<{ ids?: string[] }, number>(svc, {
      name: "notifications.mark_read",
      summary: "Mark notifications read (all of them without ids); returns how many changed",
      tags: ["notifications"],
      params: [{
        name: "ids",
        schema: { type: "array", items: { type: "string", maxLength: 64 }, maxItems: 1000 },
      }],
      result: { name: "changed", schema: { type: "integer" } },
      annotations: IDEMPOTENT,
      handler: (p, actor) => r.readNotifications(actor, p.ids),
    }),
  ];
}
