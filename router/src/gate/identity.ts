/**
 * Who a request comes from, as the authorization gate decided, and what they may do: the SDK's
 * {@link Caller} (the same shape every service receives through the signed assertion) under
 * the gate's names. Scopes: `hero:admin` may do everything, `hero:read` may read everything,
 * `hero:<service>:read` / `hero:<service>:write` narrow either to one service.
 */
import type { Caller } from "@hero/sdk";

export {
  type Access,
  ADMIN_SCOPE,
  callerPermits as permits,
  type CredentialKind,
  isAdminCaller as isAdmin,
  OWNER_CALLER as OWNER,
  READ_SCOPE,
} from "@hero/sdk";

/** A caller the gate let in. */
export type Identity = Caller;
