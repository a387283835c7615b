/**
 * hero_auth benchmark: full sign-ins (password, and password + TOTP) per second; token-endpoint
 * grants per second against a hero_auth process of its own (client credentials over its Unix
 * socket, 16 in flight, the load generated from this process), also as grants per second of
 * hero_auth's own CPU time, which the other engineers' load on this shared machine does not
 * change; the SDK's `verifyToken` per second for a token it has seen (an API's steady state)
 * and for new tokens, beside jose's bare `jwtVerify` with the key in hand (the floor any
 * verifier pays per signature); hero_auth's memory idle and with 10,000 users, as RSS and split
 * into what only this process holds and the Node binary's code it shares with every Node
 * process. Goals: RSS < 80 MB at 10,000 users, >= 1,000 grants/s on 2 cores,
 * >= 50,000 verifications/s. No other OpenID provider is installed on this machine (Keycloak,
 * Dex and Authelia are not in the npm or Debian archives reachable here); the peer measured in
 * the same run is oidc-provider alone (bench/auth_peer_provider.ts: its in-memory adapter, the
 * same EdDSA JWT grants, the same load), and an idle Node process is the floor of any Node
 * service's memory. hero_auth and the peer start as hero_proc starts hero_auth (its flags and
 * its compile cache, empty at the first start of a run; see auth/src/node_flags.ts). Writes
 * bench/results/auth.json. To compare settings: HERO_AUTH_BENCH_FLAGS adds Node flags to all
 * three processes, HERO_AUTH_BENCH_GRANTS sets the number of grants (6,000), and
 * HERO_AUTH_VENDOR=off makes hero_auth load node_modules instead of its vendor bundle.
 */
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { createLocalJWKSet, jwtVerify } from "jose";
import { RpcClient } from "@hero/sdk";
import { createTokenVerifier } from "../sdk/src/auth/verify_token.ts";
import { totpCode, totpStep } from "../auth/src/accounts/totp.ts";
import { startAuthFixture } from "../auth/src/test_support/auth_fixture.ts";
import { FormBrowser } from "../auth/src/test_support/form_browser.ts";
import { authorizationRequest, signIn, testClient } from "../auth/src/test_support/oidc_helpers.ts";
import {
  bareNodeMemory,
  type Memory,
  memory,
  rate,
  startHeroAuth,
  startPeer,
  stop,
  tokenLoad,
} from "./auth_measure.ts";

// HERO_AUTH_BENCH_GRANTS sets a longer run (throughput comparisons).
const GRANTS = Number(process.env.HERO_AUTH_BENCH_GRANTS) || 6000;
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ISSUER = "http://localhost:9/hero_auth/web_oidc";
const loadBefore = os.loadavg()[0];
// Node's compile cache of this run (see auth/src/node_flags.ts): empty at hero_auth's first
// start, which therefore strips its TypeScript at run time; later starts reuse it.
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "hero-auth-bench-cache-"));
const settle = (ms = 2000) => new Promise((r) => setTimeout(r, ms));

// 1. Sign-ins against an in-process hero_auth (argon2id dominates them).
const f = await startAuthFixture({ throttle: { perAccount: 1e9, perIp: 1e9 } });
await f.call("users.create", { username: "bench", password: "bench-password-1" });
const { config } = await testClient(f, { hero_skip_consent: true });
const login = await rate(20, 2, async () => {
  const { url } = await authorizationRequest(config, { prompt: "login" });
  await signIn(new FormBrowser(), url, { username: "bench", password: "bench-password-1" });
});
const totpUser = await f.call<{ id: string }>("users.create", { username: "bench2" });
const link = await f.call<{ url: string }>("users.setup_link", { id: totpUser.id });
const b = new FormBrowser();
const setup = await b.get(link.url);
const secret = /id="totp-secret">([A-Z2-7]+)</.exec(setup.html)![1];
await b.post(FormBrowser.action(setup, "/setup/"), {
  password: "bench-password-2",
  confirm: "bench-password-2",
  totp_code: totpCode(secret, totpStep()),
});
// Each code works once: the bench walks forward through time steps as the clock allows.
let step = totpStep() + 1;
const loginTotp = await rate(3, 1, async () => {
  const { url } = await authorizationRequest(config, { prompt: "login" });
  await signIn(new FormBrowser(), url, {
    username: "bench2",
    password: "bench-password-2",
    totp: () => totpCode(secret, step++),
  });
});
await f.close();

// 2. The token endpoint of a hero_auth process, loaded from this one.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hero-auth-bench-"));
const child = await startHeroAuth(dir, ISSUER, cacheDir);
const rpc = new RpcClient(`${dir}/hero_auth/rpc.sock`);
await rpc.call("auth.info", {});
await settle();
const idleFirstStart = memory(child.pid!);
const service = await rpc.call<{ client_id: string; client_secret: string }>("clients.create", {
  grant_types: ["client_credentials"],
  response_types: [],
  redirect_uris: [],
  scope: "hero:read",
});
const resource = new URL(ISSUER).origin + "/";
const hero = await tokenLoad({
  pid: child.pid!,
  socketPath: `${dir}/hero_auth/web_oidc.sock`,
  host: new URL(ISSUER).host,
  client: service,
  resource,
  grants: GRANTS,
});
const heroLoaded = memory(child.pid!);
await settle(3000);
const heroAfter = memory(child.pid!);
const tokens = hero.tokens;

// 2b. The peer: oidc-provider alone issuing the same tokens, loaded the same way.
const peerDir = fs.mkdtempSync(path.join(os.tmpdir(), "hero-auth-bench-peer-"));
// Its first start fills the compile cache, as hero_auth's did; measured from its second.
await stop((await startPeer(`${peerDir}/peer.sock`, cacheDir)).child);
fs.rmSync(`${peerDir}/peer.sock`, { force: true });
const { child: peerChild, client: peerClient } = await startPeer(`${peerDir}/peer.sock`, cacheDir);
await settle();
const peerIdle = memory(peerChild.pid!);
const peer = await tokenLoad({
  pid: peerChild.pid!,
  socketPath: `${peerDir}/peer.sock`,
  host: "localhost:9",
  client: peerClient,
  resource,
  grants: GRANTS,
});
const peerLoaded = memory(peerChild.pid!);
await settle(3000);
const peerAfter = memory(peerChild.pid!);
await stop(peerChild);
fs.rmSync(peerDir, { recursive: true, force: true });

// 3. verifyToken: a token seen before (an API's steady state), new tokens, and jose's floor.
const jwksJson = await new Promise<string>((resolve, reject) => {
  http.get({ socketPath: `${dir}/hero_auth/web_oidc.sock`, path: "/jwks" }, (res) => {
    let text = "";
    res.on("data", (c) => (text += c));
    res.on("end", () => resolve(text));
  }).on("error", reject);
});
const jwksServer = http.createServer((_req, res) => res.end(jwksJson));
await new Promise<void>((r) => jwksServer.listen(0, "127.0.0.1", r));
const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as { port: number }).port}/jwks`;
const verify = createTokenVerifier({ issuer: ISSUER, audience: resource, jwksUrl });
const token = tokens[0];
await verify(token);
const verifySeen = await rate(500_000, 1, () => verify(token));
const fresh = createTokenVerifier({ issuer: ISSUER, audience: resource, jwksUrl, cacheSize: 0 });
await fresh(token);
let i = 0;
const verifyNew = await rate(tokens.length, 1, () => fresh(tokens[i++]));
const jwks = createLocalJWKSet(JSON.parse(jwksJson));
const bareRate = await rate(
  tokens.length,
  1,
  () => jwtVerify(token, jwks, { issuer: ISSUER, audience: resource }),
);
jwksServer.close();

// 4. Memory of a second start (the compile cache filled by the first): idle, 10,000 users.
rpc.close();
await stop(child);
fs.rmSync(dir, { recursive: true, force: true });
const memDir = fs.mkdtempSync(path.join(os.tmpdir(), "hero-auth-bench-"));
const idleChild = await startHeroAuth(memDir, ISSUER, cacheDir);
const memRpc = new RpcClient(`${memDir}/hero_auth/rpc.sock`);
await memRpc.call("auth.info", {});
await settle();
const idle = memory(idleChild.pid!);
for (let u = 0; u < 10_000; u += 100) {
  await memRpc.batch(
    Array.from(
      { length: 100 },
      (_, k) => ({ method: "users.create", params: { username: `user${u + k}` } }),
    ),
  );
}
await memRpc.call("users.list", { limit: 1000 });
await settle();
const loaded = memory(idleChild.pid!);
memRpc.close();
await stop(idleChild);
fs.rmSync(memDir, { recursive: true, force: true });
fs.rmSync(cacheDir, { recursive: true, force: true });
const bareNode = await bareNodeMemory();

const row = (name: string, value: string, note: string) =>
  console.log(`${name.padEnd(46)} ${value.padStart(12)}   ${note}`);
const mem = (m: Memory) =>
  `${m.rss.toFixed(1)} MB`.padStart(12) +
  `   own ${m.own.toFixed(1)} MB + shared ${m.shared.toFixed(1)} MB (Node's code)`;
console.log(
  `hero_auth bench (${os.cpus().length} cores, Node ${process.version}, load average ${
    loadBefore.toFixed(1)
  } -> ${os.loadavg()[0].toFixed(1)} from other work on this machine)`,
);
row(
  "sign-in, password (full code flow)",
  `${login.toFixed(1)}/s`,
  "argon2id 19 MiB, t=2, 2 in flight",
);
row("sign-in, password + TOTP (full code flow)", `${loginTotp.toFixed(1)}/s`, "sequential");
row(
  "token endpoint, client_credentials",
  `${hero.grants.toFixed(0)}/s`,
  "wall clock, 16 in flight",
);
row(
  "  per second of hero_auth's own CPU",
  `${hero.perCpu.toFixed(0)}/s`,
  "goal >= 1,000/s (one event loop)",
);
row("  peer: oidc-provider alone, wall clock", `${peer.grants.toFixed(0)}/s`, "in-memory adapter");
row("  peer: per second of its own CPU", `${peer.perCpu.toFixed(0)}/s`, "same tokens (EdDSA JWT)");
row("SDK verifyToken, a token seen before", `${verifySeen.toFixed(0)}/s`, "goal >= 50,000/s");
row("SDK verifyToken, a new token each time", `${verifyNew.toFixed(0)}/s`, "EdDSA signature");
row("  peer floor: jose jwtVerify, key in hand", `${bareRate.toFixed(0)}/s`, "same token");
console.log(`${"hero_auth RSS idle, first start".padEnd(46)} ${mem(idleFirstStart)}`);
console.log(`${"hero_auth RSS at the end of the grants".padEnd(46)} ${mem(heroLoaded)}`);
console.log(`${"hero_auth RSS 3 s after the grants".padEnd(46)} ${mem(heroAfter)}`);
console.log(`${"hero_auth RSS idle, later start".padEnd(46)} ${mem(idle)}`);
console.log(`${"hero_auth RSS with 10,000 users".padEnd(46)} ${mem(loaded)}   goal < 80 MB`);
console.log(`${"  peer: oidc-provider alone, idle".padEnd(46)} ${mem(peerIdle)}`);
console.log(`${"  peer: at the end of the grants".padEnd(46)} ${mem(peerLoaded)}`);
console.log(`${"  peer: 3 s after the grants".padEnd(46)} ${mem(peerAfter)}`);
console.log(`${"  floor: an idle Node process, same flags".padEnd(46)} ${mem(bareNode)}`);

const mb = (m: Memory) => ({
  rss: +m.rss.toFixed(1),
  own: +m.own.toFixed(1),
  shared: +m.shared.toFixed(1),
});
const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  load_avg: { start: +loadBefore.toFixed(2), end: +os.loadavg()[0].toFixed(2) },
  sign_in_per_s: { password: +login.toFixed(1), password_totp: +loginTotp.toFixed(1) },
  token_endpoint: {
    grants: GRANTS,
    hero_auth: { per_s: Math.round(hero.grants), per_cpu_s: Math.round(hero.perCpu) },
    peer_oidc_provider_alone: {
      per_s: Math.round(peer.grants),
      per_cpu_s: Math.round(peer.perCpu),
    },
  },
  verify_token_per_s: {
    seen_before: Math.round(verifySeen),
    new_token: Math.round(verifyNew),
    peer_jose_jwt_verify: Math.round(bareRate),
  },
  memory_mb: {
    hero_auth_idle_first_start: mb(idleFirstStart),
    hero_auth_end_of_grants_first_start: mb(heroLoaded),
    hero_auth_3s_after_grants_first_start: mb(heroAfter),
    hero_auth_idle: mb(idle),
    hero_auth_10k_users: mb(loaded),
    peer_idle: mb(peerIdle),
    peer_end_of_grants: mb(peerLoaded),
    peer_3s_after_grants: mb(peerAfter),
    idle_node: mb(bareNode),
  },
};
fs.writeFileSync(
  path.join(REPO, "bench/results/auth.json"),
  JSON.stringify(results, null, 2) + "\n",
);
process.exit(0);
