/**
 * The credentials that exist before hero_auth: the admin token (everything) and the read-only
 * token (reading), each presented as `Authorization: Bearer` or as the session cookie that the
 * login page or `?token=` sets. hero_auth's sessions and OAuth tokens plug in as further
 * {@link Authenticator}s beside this one.
 */
import {
  bearerToken,
  cookieValue,
  sameToken,
  SESSION_COOKIE,
  type WithHeaders,
} from "../../../ui/session/admin_session.ts";
import { ADMIN_SCOPE, type Identity, READ_SCOPE } from "./identity.ts";

/**
 * Finds who a request comes from; undefined when it carries no credential this authenticator
 * knows (the gate then asks the next one).
 */
export interface Authenticator {
  (request: Request): Identity | undefined | Promise<Identity | undefined>;
  /**
   * The same answer from the request's headers and URL, for authenticators that mostly read
   * nothing else: the TCP front's fast path then asks without building a `Request`
   * (`toRequest` builds one when it is needed after all).
   */
  fromHeaders?: (
    request: HeadersAndUrl,
    toRequest: () => Request,
  ) => Identity | undefined | Promise<Identity | undefined>;
}

/** What {@link Authenticator.fromHeaders} reads: a `Request`, or the TCP front's parsed head. */
export interface HeadersAndUrl extends WithHeaders {
  /** The absolute URL (`http://<host><target>`). */
  readonly url: string;
}

/** The two tokens. */
export interface SessionTokens {
  admin: string;
  /** The read-only token; unset = no read-only access by token. */
  read?: string;
}

/** Accepts the admin and read-only tokens by bearer header or session cookie. */
export function tokenAuthenticator(tokens: SessionTokens): Authenticator {
  const fromHeaders = (request: WithHeaders) => {
    const bearer = bearerToken(request);
    if (bearer !== undefined) return tokenIdentity(tokens, bearer, "bearer");
    const cookie = cookieValue(request, SESSION_COOKIE);
    return cookie === undefined ? undefined : tokenIdentity(tokens, cookie, "cookie");
  };
  return Object.assign((request: Request) => fromHeaders(request), { fromHeaders });
}

/** The identity a token stands for (compared in constant time), or undefined. */
export function tokenIdentity(
  tokens: SessionTokens,
  secret: string,
  via: Identity["via"],
): Identity | undefined {
  if (sameToken(secret, tokens.admin)) return TOKEN_IDENTITIES[via].admin;
  if (tokens.read && sameToken(secret, tokens.read)) return TOKEN_IDENTITIES[via].read;
  return undefined;
}

/**
 * The token identities, made once and frozen: the same object on every request lets the
 * caller assertion signed for it be found by object (`CallerSigner.cached`).
 */
const TOKEN_IDENTITIES = {
  bearer: tokenPair("bearer"),
  cookie: tokenPair("cookie"),
  unix: tokenPair("unix"),
  none: tokenPair("none"),
} satisfies Record<Identity["via"], { admin: Identity; read: Identity }>;

/** The admin and read-only identities of the tokens, as presented through `via`. */
function tokenPair(via: Identity["via"]): { admin: Identity; read: Identity } {
  return {
    admin: frozen({ subject: "token:admin", name: "admin token", via, scopes: [ADMIN_SCOPE] }),
    read: frozen({ subject: "token:read", name: "read-only token", via, scopes: [READ_SCOPE] }),
  };
}

function frozen(identity: Identity): Identity {
  Object.freeze(identity.scopes);
  return Object.freeze(identity);
}
