/** hero_collab's whole API as one OpenRPC document: every method is also an MCP tool. */
import { defineApi, type MethodSpec, type RpcApi } from "@hero/sdk";
import type { CollabService } from "../collab_service.ts";
import { channelMethods } from "./channels_api.ts";
import { fileMethods } from "./files_api.ts";
import { messageMethods } from "./messages_api.ts";
import { readMethods } from "./reads_api.ts";
import { SCHEMAS } from "./schemas.ts";
import { webhookMethods } from "./webhooks_api.ts";
import { commandMethods } from "./commands_api.ts";
import { adminMethods } from "./admin_api.ts";

/** Extra method groups (live events, files, integrations, admin) added by the service. */
// deno-lint-ignore no-explicit-any
export type MethodGroup = (svc: CollabService) => MethodSpec<any, any>[];

/** The API over a service. */
export function collabApi(svc: CollabService, extra: MethodGroup[] = []): RpcApi {
  const api = defineApi({
    info: {
      title: "hero_collab",
      version: "0.1.0",
      description:
        "Group communication: workspaces, channels, DMs, threads, mentions, reactions, search, files, webhooks and slash commands",
    },
    methods: [
      ...channelMethods(svc),
      ...messageMethods(svc),
      ...readMethods(svc),
      ...fileMethods(svc),
      ...webhookMethods(svc),
      ...commandMethods(svc),
      ...adminMethods(svc),
      ...extra.flatMap((group) => group(svc)),
    ],
    components: { schemas: SCHEMAS },
  });
  svc.commands.selfApi = api;
  return api;
}
