/**
 * hero_router as a relying party of hero_auth: the built-in first-party client `hero_router`
 * through which the dashboard (and everything behind the router's gate) signs browsers in.
 * It is a public client (PKCE, no secret: the router keeps none) whose only redirect is the
 * router's `/auth/callback` on the issuer's origin, and users are not asked to consent to it.
 */
import type { AuthParts } from "../service_parts.ts";

/** The client id of hero_router. */
export const ROUTER_CLIENT_ID = "hero_router";

/** The metadata of the router's client for an issuer. */
export function routerClientMetadata(
  issuer: string,
): Record<string, unknown> & { client_id: string } {
  const origin = new URL(issuer).origin;
  return {
    client_id: ROUTER_CLIENT_ID,
    client_name: "Hero dashboard",
    token_endpoint_auth_method: "none",
    grant_types: ["authorization_code"],
    response_types: ["code"],
    redirect_uris: [`${origin}/auth/callback`],
    post_logout_redirect_uris: [`${origin}/`],
    scope: "openid profile email groups",
    hero_skip_consent: true,
  };
}

/** Registers (or refreshes) the router's client; run at every start, as the issuer may move. */
export async function ensureRouterClient(p: AuthParts): Promise<void> {
  const metadata = routerClientMetadata(p.issuer);
  await p.host.provider.Client.validate(metadata);
  const existing = p.models.find("Client", ROUTER_CLIENT_ID);
  if (JSON.stringify(existing) === JSON.stringify(metadata)) return;
  p.models.upsert("Client", ROUTER_CLIENT_ID, metadata);
  p.audit.append({
    event: "client.created",
    actor: "system",
    subject: ROUTER_CLIENT_ID,
    detail: { redirect_uris: metadata.redirect_uris },
  });
}
