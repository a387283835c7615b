/**
 * The peer of hero_auth in bench/auth.ts: oidc-provider alone, as its documentation sets it up
 * (its in-memory adapter, no accounts, no audit, no SQLite), issuing the same tokens as
 * hero_auth's token endpoint — client credentials, audience-bound EdDSA JWT access tokens — on
 * a Unix socket. Run as its own process (`node bench/auth_peer_provider.ts SOCKET`), so its
 * memory and CPU time are measured the way hero_auth's are. Prints the client's credentials as
 * one JSON line once it serves.
 */
import crypto from "node:crypto";
import http from "node:http";
import module from "node:module";
import process from "node:process";
import Provider from "oidc-provider";

const socket = process.argv[2];
if (!socket) {
  console.error("Usage: node bench/auth_peer_provider.ts SOCKET");
  process.exit(2);
}
const issuer = "http://localhost:9/peer";
const jwk = (key: crypto.KeyObject, alg: string) => ({
  ...key.export({ format: "jwk" }),
  kid: alg,
  alg,
  use: "sig",
});
const client = {
  client_id: "bench",
  client_secret: crypto.randomBytes(24).toString("base64url"),
  grant_types: ["client_credentials"],
  response_types: [],
  redirect_uris: [],
  scope: "hero:read",
};
const provider = new Provider(issuer, {
  clients: [client],
  jwks: {
    keys: [
      jwk(crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey, "RS256"),
      jwk(crypto.generateKeyPairSync("ed25519").privateKey, "EdDSA"),
    ] as never,
  },
  scopes: ["hero:read"],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => undefined as unknown as string,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => ({
        scope: "hero:read",
        audience: resource,
        accessTokenTTL: 600,
        accessTokenFormat: "jwt",
        jwt: { sign: { alg: "EdDSA" } },
      }),
    },
  },
});
provider.proxy = true;
http.createServer(provider.callback()).listen(socket, () => {
  // Compiled modules cached now, as hero_auth does (auth/src/node_flags.ts).
  module.flushCompileCache?.();
  console.log(JSON.stringify({ client_id: client.client_id, client_secret: client.client_secret }));
});
process.on("SIGTERM", () => process.exit(0));
