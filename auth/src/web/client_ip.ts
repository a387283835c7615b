/**
 * The client address of a request on hero_auth's web socket. Only the socket's owner can
 * connect (mode 0600), and hero_router appends the TCP peer to `X-Forwarded-For`, so the last
 * entry is the one the router saw; a direct Unix-socket caller is the local owner.
 */

/** The client IP, or `local` for a direct Unix-socket request. */
export function clientIp(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for");
  if (!forwarded) return "local";
  const parts = forwarded.split(",");
  return parts[parts.length - 1].trim() || "local";
}
