/**
 * The shared schemas of hero_auth's OpenRPC document (users, groups, members, clients,
 * sessions, audit records, keys).
 */

const iso = { type: "string", format: "date-time" };
const str = { type: "string" };
const bool = { type: "boolean" };

/** Components of the OpenRPC document. */
export const AUTH_SCHEMAS: Record<string, unknown> = {
  User: {
    type: "object",
    required: ["id", "username", "display_name", "email", "disabled", "is_owner"],
    properties: {
      id: str,
      username: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$" },
      display_name: { type: "string", maxLength: 200 },
      email: str,
      has_password: bool,
      totp_enabled: bool,
      passkeys: { type: "integer", minimum: 0 },
      disabled: bool,
      is_owner: bool,
      created_at: iso,
      updated_at: iso,
      groups: { type: "array", items: str },
      roles: { type: "array", items: str },
    },
  },
  Group: {
    type: "object",
    required: ["id", "name", "roles"],
    properties: {
      id: str,
      name: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$" },
      description: { type: "string", maxLength: 1000 },
      roles: { $ref: "#/components/schemas/Roles" },
      members: { type: "integer", minimum: 0 },
      created_at: iso,
      updated_at: iso,
    },
  },
  Roles: {
    type: "array",
    maxItems: 50,
    uniqueItems: true,
    items: { type: "string", pattern: "^[a-z0-9][a-z0-9._:-]{0,63}$" },
    description: "Roles given to members; `admin` and `read` decide access through hero_router",
  },
  Member: {
    type: "object",
    required: ["user_id", "username"],
    properties: { user_id: str, username: str, added_at: iso },
  },
  Client: {
    type: "object",
    required: ["client_id"],
    description: "OAuth client metadata (RFC 7591 names)",
    properties: {
      client_id: str,
      client_name: str,
      client_secret: { type: "string", description: "Only returned when the client is created" },
      redirect_uris: { type: "array", items: str },
      post_logout_redirect_uris: { type: "array", items: str },
      grant_types: { type: "array", items: str },
      token_endpoint_auth_method: str,
      backchannel_logout_uri: str,
      scope: str,
      hero_skip_consent: bool,
    },
  },
  Session: {
    type: "object",
    required: ["id", "user_id"],
    properties: {
      id: str,
      user_id: str,
      username: str,
      clients: { type: "array", items: str },
      login_at: iso,
      expires_at: iso,
      amr: { type: "array", items: str },
    },
  },
  AuditRecord: {
    type: "object",
    required: ["seq", "at", "event", "ok"],
    properties: {
      seq: { type: "integer" },
      at: iso,
      event: str,
      actor: str,
      subject: str,
      ip: str,
      ok: bool,
      detail: { type: "object" },
    },
  },
  Key: {
    type: "object",
    required: ["kid", "alg"],
    properties: { kid: str, alg: str, created_at: iso, retired_at: { type: ["string", "null"] } },
  },
};

/** `$ref` to a component. */
export function ref(name: string): { $ref: string } {
  return { $ref: `#/components/schemas/${name}` };
}
