/**
 * Test support: runs a hero_auth fixture in this (Node) process for tests in other runtimes
 * (the SDK's login tests on Deno), with a user `sam` (role read), a web client, a device
 * client and a service client; prints one JSON line with what the tests need, and stops when
 * its standard input closes.
 */
import process from "node:process";
import { startAuthFixture } from "./auth_fixture.ts";

const f = await startAuthFixture();
const user = await f.call<{ id: string }>("users.create", {
  username: "sam",
  password: "sam-secret-password",
});
const group = await f.call<{ id: string }>("groups.create", { name: "viewers", roles: ["read"] });
await f.call("groups.add_member", { group_id: group.id, user_id: user.id });
const web = await f.call<{ client_id: string; client_secret: string }>("clients.create", {
  client_name: "SDK web app",
  redirect_uris: [process.argv[2] ?? "http://127.0.0.1:1/auth/callback"],
  hero_skip_consent: true,
});
const device = await f.call<{ client_id: string }>("clients.create", {
  client_name: "SDK CLI",
  token_endpoint_auth_method: "none",
  grant_types: ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"],
  response_types: [],
  redirect_uris: [],
  hero_skip_consent: true,
});
const service = await f.call<{ client_id: string; client_secret: string }>("clients.create", {
  client_name: "SDK service",
  grant_types: ["client_credentials"],
  response_types: [],
  redirect_uris: [],
  scope: "hero:read",
});
console.log(
  JSON.stringify({ issuer: f.issuer, userId: user.id, web, device, service, root: f.root }),
);
process.stdin.resume();
process.stdin.on("end", async () => {
  await f.close();
  process.exit(0);
});
