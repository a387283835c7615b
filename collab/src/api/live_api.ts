/**
 * The `events.*`, `typing.*` and `presence.*` methods: the event log for clients that poll
 * (agents, scripts) with the same cursor as the WebSocket, typing indicators and presence.
 */
import type { MethodSpec } from "@hero/sdk";
import type { CollabService } from "../collab_service.ts";
import type { CollabEvent } from "../live/event_log.ts";
import type { LiveHub } from "../live/live_hub.ts";
import { ERRORS } from "../errors.ts";
import { collabMethod, idParam, READ, ref } from "./define.ts";

/** The live methods over a hub. */
export function liveMethods(hub: LiveHub) {
  // deno-lint-ignore no-explicit-any
  return (svc: CollabService): MethodSpec<any, any>[] => [
    collabMethod<
      { cursor: number; limit?: number },
      { events: CollabEvent[]; cursor: number; resync: boolean }
    >(svc, {
      name: "events.since",
      summary: "Events after a cursor that the caller may see (the WebSocket's stream, polled)",
      description:
        "Pass the returned cursor to the next call. resync=true: the cursor is older than the retained events; reload state and continue from the returned cursor.",
      tags: ["live"],
      params: [
        { name: "cursor", required: true, schema: { type: "integer", minimum: 0 } },
        { name: "limit", schema: { type: "integer", minimum: 1, maximum: 1000 } },
      ],
      result: {
        name: "page",
        schema: {
          type: "object",
          required: ["events", "cursor", "resync"],
          properties: {
            events: { type: "array", items: ref("Event") },
            cursor: { type: "integer" },
            resync: { type: "boolean" },
          },
        },
      },
      annotations: READ,
      handler: ({ cursor, limit = 200 }, actor) => {
        const log = svc.store.events;
        if (cursor < log.tail() - 1) return { events: [], cursor: log.head(), resync: true };
        const batch = log.after(cursor, limit);
        return {
          events: batch.filter((e) => hub.visible(actor, e)),
          cursor: batch.length ? batch[batch.length - 1].seq : Math.max(cursor, 0),
          resync: false,
        };
      },
    }),
    collabMethod<{ channel_id: string; thread_id?: string }, boolean>(svc, {
      name: "typing.start",
      summary: "Tell the channel's readers that the caller is typing (for about 5 seconds)",
      tags: ["live"],
      params: [idParam("channel_id", "Channel id"), idParam("thread_id", "Thread id", false)],
      result: { name: "ok", schema: { type: "boolean" } },
      errors: [ERRORS.notFound],
      annotations: { idempotentHint: true },
      handler: (
        { channel_id, thread_id },
        actor,
      ) => (hub.typing(actor, channel_id, thread_id), true),
    }),
    collabMethod<Record<string, never>, { user_id: string; presence: string }[]>(svc, {
      name: "presence.list",
      summary: "Users connected now, active or away (everyone else is offline)",
      tags: ["live"],
      params: [],
      result: { name: "presence", schema: { type: "array", items: { type: "object" } } },
      annotations: READ,
      handler: () => hub.presence(),
    }),
  ];
}
