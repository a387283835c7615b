/**
 * The `clients.*` methods: OAuth clients (relying parties) registered by the owner. Metadata is
 * checked by oidc-provider's own client schema before it is stored, so a client that the
 * provider would refuse at run time is refused here with the same message.
 */
import crypto from "node:crypto";
import type { MethodSpec } from "@hero/sdk";
import { authError } from "../errors.ts";
import type { AuthParts } from "../service_parts.ts";
import { authMethod, CONFLICT, DESTRUCTIVE, idParam, NOT_FOUND, READ } from "./define.ts";
import { ref } from "./schemas.ts";

type ClientMetadata = Record<string, unknown> & { client_id: string; client_secret?: string };

const strings = { type: "array", maxItems: 50, items: { type: "string", maxLength: 2000 } };
const metadataParams = [
  { name: "client_name", schema: { type: "string", maxLength: 200 } },
  { name: "redirect_uris", schema: strings },
  { name: "post_logout_redirect_uris", schema: strings },
  {
    name: "grant_types",
    schema: {
      type: "array",
      items: {
        enum: [
          "authorization_code",
          "refresh_token",
          "client_credentials",
          "urn:ietf:params:oauth:grant-type:device_code",
        ],
      },
    },
  },
  {
    name: "response_types",
    description: "[] for clients that use only the device or client-credentials grant",
    schema: { type: "array", items: { enum: ["code"] } },
  },
  {
    name: "token_endpoint_auth_method",
    schema: { enum: ["client_secret_basic", "client_secret_post", "none"] },
  },
  { name: "backchannel_logout_uri", schema: { type: "string", maxLength: 2000 } },
  { name: "scope", schema: { type: "string", maxLength: 1000 } },
  {
    name: "hero_skip_consent",
    description: "First-party client: users are not asked to consent",
    schema: { type: "boolean" },
  },
];

/** The client methods over the given parts. */
// deno-lint-ignore no-explicit-any
export function clientMethods(p: AuthParts): MethodSpec<any, any>[] {
  const find = (id: string): ClientMetadata => {
    const found = p.models.find("Client", id) as ClientMetadata | undefined;
    if (!found) throw authError("NOT_FOUND", `Client ${id} not found`, { id });
    return found;
  };
  const save = async (metadata: ClientMetadata) => {
    try {
      await p.host.provider.Client.validate(metadata);
    } catch (err) {
      const e = err as { error_description?: string; message: string };
      throw authError("INVALID_PARAMS", `Invalid client: ${e.error_description ?? e.message}`);
    }
    p.models.upsert("Client", metadata.client_id, metadata);
  };
  const hide = ({ client_secret: _secret, ...rest }: ClientMetadata) => rest;
  return [
    authMethod<Record<string, never>, ClientMetadata[]>({
      name: "clients.list",
      summary: "List OAuth clients (secrets are never listed)",
      tags: ["clients"],
      params: [],
      result: { name: "clients", schema: { type: "array", items: ref("Client") } },
      annotations: READ,
      handler: () =>
        p.models.list("Client").map((m) => hide(m.payload as ClientMetadata))
          .sort((a, b) => a.client_id.localeCompare(b.client_id)),
    }),
    authMethod<{ id: string }, ClientMetadata>({
      name: "clients.get",
      summary: "Get one OAuth client",
      tags: ["clients"],
      params: [idParam("id", "Client id")],
      result: { name: "client", schema: ref("Client") },
      errors: [NOT_FOUND],
      annotations: READ,
      handler: ({ id }) => hide(find(id)),
    }),
    authMethod<Record<string, unknown> & { client_id?: string }, ClientMetadata>({
      name: "clients.create",
      summary: "Register an OAuth client; the answer holds its secret, shown this once",
      tags: ["clients"],
      params: [
        {
          name: "client_id",
          description: "Chosen id (random when absent)",
          schema: { type: "string", pattern: "^[A-Za-z0-9._~-]{1,100}$" },
        },
        ...metadataParams,
      ],
      result: { name: "client", schema: ref("Client") },
      errors: [CONFLICT],
      handler: async (input, ctx) => {
        const client_id = input.client_id ?? crypto.randomBytes(12).toString("base64url");
        if (p.models.find("Client", client_id)) {
          throw authError("CONFLICT", `Client ${client_id} already exists`);
        }
        const metadata: ClientMetadata = { ...dropUndefined(input), client_id };
        if (metadata.token_endpoint_auth_method !== "none") {
          metadata.client_secret = crypto.randomBytes(32).toString("base64url");
        }
        await save(metadata);
        p.audit.append({ event: "client.created", actor: ctx.caller.subject, subject: client_id });
        return metadata;
      },
    }),
    authMethod<Record<string, unknown> & { id: string }, ClientMetadata>({
      name: "clients.update",
      summary: "Change an OAuth client's metadata (the secret stays)",
      tags: ["clients"],
      params: [idParam("id", "Client id"), ...metadataParams],
      result: { name: "client", schema: ref("Client") },
      errors: [NOT_FOUND],
      annotations: { idempotentHint: true },
      handler: async ({ id, ...patch }, ctx) => {
        const metadata = { ...find(id), ...dropUndefined(patch) };
        await save(metadata);
        p.audit.append({ event: "client.updated", actor: ctx.caller.subject, subject: id });
        return hide(metadata);
      },
    }),
    authMethod<{ id: string }, boolean>({
      name: "clients.delete",
      summary: "Delete an OAuth client and revoke everything issued to it",
      tags: ["clients"],
      params: [idParam("id", "Client id")],
      result: { name: "deleted", schema: { type: "boolean" } },
      errors: [NOT_FOUND],
      annotations: DESTRUCTIVE,
      handler: ({ id }, ctx) => {
        find(id);
        p.models.destroy("Client", id);
        for (const g of p.models.list("Grant")) {
          if (g.payload.clientId === id) p.models.revokeGrant(g.id);
        }
        p.audit.append({ event: "client.deleted", actor: ctx.caller.subject, subject: id });
        return true;
      },
    }),
  ];
}

function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}
