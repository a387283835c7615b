/**
 * The default issuer URL: hero_router's TCP address (`HERO_AUTH_ISSUER`, else `HERO_BIND`, else
 * port 9988) with the path at which the router proxies hero_auth's web socket. `localhost`
 * rather than 127.0.0.1 because browsers refuse passkeys on IP-address origins.
 */
import process from "node:process";

/** The issuer URL for a service name. */
export function defaultIssuer(serviceName: string): string {
  if (process.env.HERO_AUTH_ISSUER) return process.env.HERO_AUTH_ISSUER.replace(/\/$/, "");
  const bind = process.env.HERO_BIND ?? "127.0.0.1:9988";
  const port = bind.slice(bind.lastIndexOf(":") + 1) || "9988";
  return `http://localhost:${port}/${serviceName}/web_oidc`;
}
