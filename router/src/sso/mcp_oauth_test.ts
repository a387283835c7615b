/**
 * The MCP authorization spec end to end with the official MCP TypeScript clients (v2
 * `@modelcontextprotocol/client` and v1 `@modelcontextprotocol/sdk`) against a real router and a
 * real hero_auth: the 401 names the protected-resource metadata, the client discovers hero_auth,
 * registers itself (dynamic client registration), sends the user to sign in and consent (walked
 * with the form browser), exchanges the code with PKCE for a token bound to `/mcp`, and then
 * lists and calls only the tools its user's roles allow; the services see that user.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  Client as V2Client,
  type OAuthClientProvider,
  StreamableHTTPClientTransport as V2Transport,
  UnauthorizedError,
} from "@modelcontextprotocol/client";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client";
// @ts-types="../../../node_modules/@modelcontextprotocol/sdk/dist/esm/client/streamableHttp.d.ts"
import { StreamableHTTPClientTransport as V1Transport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { defineApi, defineMethod, HeroServer } from "@hero/sdk";
import { FormBrowser } from "../../../auth/src/test_support/form_browser.ts";
import { type AuthProcess, startAuthProcess } from "../test_support/auth_process.ts";
import { until } from "../test_support/fixtures.ts";
import { type RouterHarness, startRouter } from "../test_support/router_harness.ts";

const CALLBACK = "http://127.0.0.1:1/mcp-callback";

let harness: RouterHarness;
let auth: AuthProcess;
let who: HeroServer;
const ids: Record<string, string> = {};

/** An in-memory OAuth client for the MCP clients: what a desktop MCP host would keep. */
class TestProvider {
  authUrl?: URL;
  info?: Record<string, unknown>;
  saved?: Record<string, unknown>;
  verifier = "";
  get redirectUrl(): string {
    return CALLBACK;
  }
  get clientMetadata() {
    return {
      client_name: "MCP test host",
      redirect_uris: [CALLBACK],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  clientInformation() {
    return this.info as never;
  }
  saveClientInformation(info: Record<string, unknown>) {
    this.info = info;
  }
  tokens() {
    return this.saved as never;
  }
  saveTokens(tokens: Record<string, unknown>) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authUrl = url;
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
}

before(async () => {
  harness = await startRouter();
  who = await startWho(harness.root);
  auth = await startAuthProcess(harness);
  ids.reader = await auth.user("reader", ["read"]);
  ids.operator = await auth.user("operator", ["read", "who:write"]);
  await until(() => harness.app.registry.get("who")?.openrpc, 5000, "who");
});

after(async () => {
  await auth?.close();
  await who?.close();
  await harness?.close();
});

/** Signs `username` in at the authorization URL, consents, and returns the callback's query. */
async function authorize(url: URL, username: string): Promise<URLSearchParams> {
  const b = new FormBrowser();
  const atCallback = (u: string) => u.startsWith(CALLBACK);
  const login = await b.get(url.href, atCallback);
  const consent = await b.post(FormBrowser.action(login, "/login"), {
    username,
    password: `${username}-password-1`,
  }, atCallback);
  assert.match(consent.html, /Allow access\?/, "a dynamically registered client asks consent");
  assert.match(consent.html, /MCP test host/);
  const done = await b.post(FormBrowser.action(consent, "/consent"), {}, atCallback);
  const back = new URL(done.url);
  assert.ok(back.href.startsWith(CALLBACK), done.url);
  assert.equal(back.searchParams.get("iss"), auth.issuer, "RFC 9207 issuer in the response");
  return back.searchParams;
}

describe("MCP authorization with the official clients", () => {
  it("v2 client: discovery, registration, sign-in and consent; a reader gets the read-only tools", async () => {
    const provider = new TestProvider();
    const url = new URL(`${harness.base}/mcp`);
    const first = new V2Client({ name: "reader-host", version: "1.0.0" });
    await assert.rejects(
      first.connect(new V2Transport(url, { authProvider: provider as OAuthClientProvider })),
      (e) => e instanceof UnauthorizedError,
    );
    assert.ok(provider.info?.client_id, "registered dynamically");
    assert.equal(provider.authUrl?.searchParams.get("resource"), `${harness.base}/mcp`);
    assert.equal(provider.authUrl?.searchParams.get("code_challenge_method"), "S256");
    const transport = new V2Transport(url, { authProvider: provider as OAuthClientProvider });
    await transport.finishAuth(await authorize(provider.authUrl!, "reader"));
    const token = String(provider.saved?.access_token);
    const claims = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    assert.equal(claims.aud, `${harness.base}/mcp`, "the token is bound to the MCP endpoint");
    const client = new V2Client({ name: "reader-host", version: "1.0.0" });
    await client.connect(new V2Transport(url, { authProvider: provider as OAuthClientProvider }));
    const names = (await client.listTools()).tools.map((t) => t.name);
    assert.ok(names.includes("who_whoami"), names.join(", "));
    assert.ok(!names.includes("who_poke"), "a reader is not offered a tool that writes");
    const seen = await client.callTool({ name: "who_whoami", arguments: {} });
    const caller = seen.structuredContent as { subject: string; via: string; scopes: string[] };
    assert.equal(caller.subject, `user:${ids.reader}`);
    assert.equal(caller.via, "bearer");
    assert.ok(!caller.scopes.includes("hero:who:write"));
    const refused = await client.callTool({ name: "who_poke", arguments: {} }).catch((e) => e);
    assert.ok(
      refused instanceof Error || (refused as { isError?: boolean }).isError,
      "who_poke is refused",
    );
    await client.close();
    // Bound to /mcp: the same token does not open the router's API.
    const api = await fetch(`${harness.base}/api/services`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(api.status, 401);
    await api.body?.cancel();
  });

  it("v1 client: an operator with the who:write role gets and runs the tool that writes", async () => {
    const provider = new TestProvider();
    const url = new URL(`${harness.base}/mcp`);
    const first = new V1Client({ name: "operator-host", version: "1.0.0" });
    await assert.rejects(
      first.connect(new V1Transport(url, { authProvider: provider as never })),
      (e) => /Unauthorized/.test((e as Error).message),
    );
    const transport = new V1Transport(url, { authProvider: provider as never });
    await transport.finishAuth((await authorize(provider.authUrl!, "operator")).get("code")!);
    const client = new V1Client({ name: "operator-host", version: "1.0.0" });
    await client.connect(new V1Transport(url, { authProvider: provider as never }));
    const names = (await client.listTools()).tools.map((t) => t.name);
    assert.ok(names.includes("who_poke"), names.join(", "));
    assert.ok(!names.some((n) => n.startsWith("hero_auth_users_create")), "no admin tools");
    const done = await client.callTool({ name: "who_poke", arguments: {} });
    const caller = done.structuredContent as { subject: string; scopes: string[] };
    assert.equal(caller.subject, `user:${ids.operator}`);
    assert.ok(caller.scopes.includes("hero:who:write"));
    // The role taken away: the same session loses the tool on its next request.
    const groups = await auth.call<{ id: string; name: string }[]>("groups.list");
    const group = groups.find((g) => g.name === "operators")!;
    await auth.call("groups.update", { id: group.id, roles: ["read"] });
    const after = (await client.listTools()).tools.map((t) => t.name);
    assert.ok(!after.includes("who_poke"), after.join(", "));
    const refused = await client.callTool({ name: "who_poke", arguments: {} });
    assert.equal(refused.isError, true);
    await client.close();
  });
});

/** A service whose tools answer with the caller they were called by. */
async function startWho(root: string): Promise<HeroServer> {
  const api = defineApi({
    info: { title: "Who", version: "1.0.0" },
    methods: ["whoami", "poke"].map((name) =>
      defineMethod({
        name,
        params: [],
        result: { name: "caller", schema: { type: "object" } },
        ...(name === "whoami" ? { annotations: { readOnlyHint: true } } : {}),
        handler: (_p, ctx) => ctx.caller,
      })
    ),
  });
  const server = new HeroServer({ name: "who", api, socketRoot: root });
  await server.start();
  return server;
}
