/**
 * The SDK login module against a real hero_auth (a Node child process), on Node and on Deno:
 * `verifyToken` on client-credentials JWTs, the web login (code + PKCE, session cookie) walked
 * through hero_auth's sign-in page, and the device login storing its refresh token under a
 * temp HOME.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import * as oidc from "openid-client";
import { FormBrowser } from "../../../auth/src/test_support/form_browser.ts";
import {
  createTokenVerifier,
  credentialsPath,
  deviceLogin,
  storedAccessToken,
  webLogin,
} from "./mod.ts";
import type { HeroError } from "../errors/hero_error.ts";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const NODE = path.join(REPO, "node_modules/node/bin/node");

interface Served {
  issuer: string;
  userId: string;
  web: { client_id: string; client_secret: string };
  device: { client_id: string };
  service: { client_id: string; client_secret: string };
}

let child: ChildProcess;
let served: Served;
let app: http.Server;
let appOrigin: string;
let handler: (r: Request) => Promise<Response> = () => Promise.resolve(new Response("not ready"));

before(async () => {
  // The web app under test, on loopback TCP: its URL must be known before hero_auth registers it.
  app = http.createServer(async (req, res) => {
    const response = await handler(
      new Request(`${appOrigin}${req.url}`, { headers: req.headers as Record<string, string> }),
    );
    const headers: Record<string, string | string[]> = {};
    response.headers.forEach((
      v,
      k,
    ) => (headers[k] = k === "set-cookie" ? response.headers.getSetCookie() : v));
    res.writeHead(response.status, headers).end(await response.text());
  });
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
  appOrigin = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  child = spawn(NODE, [
    "--disable-warning=ExperimentalWarning",
    path.join(REPO, "auth/src/test_support/serve_for_tests.ts"),
    `${appOrigin}/app/auth/callback`,
  ], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  served = await new Promise<Served>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Uint8Array) => {
      out += new TextDecoder().decode(c);
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line && out.includes("\n")) resolve(JSON.parse(line));
    });
    child.once("exit", (code) => reject(new Error(`hero_auth exited (${code}): ${out}`)));
  });
});

after(async () => {
  child.stdin!.end();
  await new Promise((r) => child.once("exit", r));
  app.closeAllConnections();
  app.close();
});

describe("verifyToken", () => {
  it("accepts a JWT for its audience with the needed scope, refuses others with clear errors", async () => {
    const config = await oidc.discovery(
      new URL(served.issuer),
      served.service.client_id,
      served.service.client_secret,
      undefined,
      {
        execute: [oidc.allowInsecureRequests],
      },
    );
    const audience = new URL(served.issuer).origin + "/";
    const tokens = await oidc.clientCredentialsGrant(config, {
      resource: audience,
      scope: "hero:read",
    });
    const verify = createTokenVerifier({ issuer: served.issuer, audience });
    const ok = await verify(tokens.access_token, { scopes: ["hero:read"] });
    assert.equal(ok.clientId, served.service.client_id);
    assert.deepEqual(ok.scopes, ["hero:read"]);
    await assert.rejects(
      verify(tokens.access_token, { scopes: ["hero:admin"] }),
      (e: HeroError) => e.code === "INSUFFICIENT_SCOPE",
    );
    const other = createTokenVerifier({ issuer: served.issuer, audience: "http://other.example/" });
    await assert.rejects(
      other(tokens.access_token),
      (e: HeroError) => e.code === "INVALID_TOKEN" && /aud/.test(e.message),
    );
    await assert.rejects(
      verify(tokens.access_token.slice(0, -4) + "AAAA"),
      (e: HeroError) => e.code === "INVALID_TOKEN",
    );
    // A verified token is remembered (the same answer, no second signature check); its scopes
    // are still checked on every call.
    assert.equal(await verify(tokens.access_token), ok);
    await assert.rejects(
      verify(tokens.access_token, { scopes: ["hero:admin"] }),
      (e: HeroError) => e.code === "INSUFFICIENT_SCOPE",
    );
    const uncached = createTokenVerifier({ issuer: served.issuer, audience, cacheSize: 0 });
    assert.notEqual(await uncached(tokens.access_token), await uncached(tokens.access_token));
  });

  it("does not remember a token past its expiry", async () => {
    const { SignJWT, generateKeyPair, exportJWK } = await import("jose");
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "ES256" };
    const jwks = http.createServer((_req, res) => res.end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((r) => jwks.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`;
    try {
      const verify = createTokenVerifier({
        issuer: "http://issuer.test",
        audience: "http://api.test/",
        jwksUrl: url,
        clockToleranceS: 0,
      });
      const exp = Math.floor(Date.now() / 1000) + 2;
      const token = await new SignJWT({ scope: "hero:read" })
        .setProtectedHeader({ alg: "ES256", kid: "k1" })
        .setIssuer("http://issuer.test").setAudience("http://api.test/").setSubject("s")
        .setExpirationTime(exp).sign(privateKey);
      assert.deepEqual((await verify(token)).scopes, ["hero:read"]);
      await new Promise((r) => setTimeout(r, (exp + 1) * 1000 - Date.now()));
      await assert.rejects(verify(token), (e: HeroError) => /expired/.test(e.message));
    } finally {
      jwks.close();
    }
  });
});

describe("webLogin", () => {
  it("sends a visitor to sign in and back, then serves them with their groups and roles", async () => {
    const login = webLogin({
      issuer: served.issuer,
      clientId: served.web.client_id,
      clientSecret: served.web.client_secret,
      baseUrl: `${appOrigin}/app`,
      cookieSecret: "a".repeat(40),
      allowHttp: true,
    });
    handler = login.protect((_req, s) =>
      Promise.resolve(new Response(`hello ${s.username} ${s.roles.join(",")}`))
    );
    const b = new FormBrowser();
    let page = await b.get(`${appOrigin}/app/reports?x=1`);
    assert.match(page.html, /Sign in to Hero/);
    page = await b.post(FormBrowser.action(page, "/login"), {
      username: "sam",
      password: "sam-secret-password",
    });
    assert.equal(page.url, `${appOrigin}/app/reports?x=1`, "back where the visit started");
    assert.equal(page.html, "hello sam read");
    const forged = await fetch(`${appOrigin}/app/reports`, {
      headers: { cookie: "hero_session=forged" },
      redirect: "manual",
    });
    assert.equal(forged.status, 303, "a forged cookie is no session");
  });
});

describe("deviceLogin", () => {
  it("stores the refresh token under ~/hero/cfg (0600) and later runs get access tokens from it", async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "hero-home-"));
    try {
      const opts = {
        issuer: served.issuer,
        clientId: served.device.client_id,
        home,
        allowHttp: true,
      };
      const approved = deviceLogin(
        {
          ...opts,
          prompt: async ({ url, code }) => {
            const b = new FormBrowser();
            let page = await b.get(url);
            page = await b.post(FormBrowser.action(page, "/device"), {
              ...FormBrowser.hidden(page),
              user_code: code,
            });
            page = await b.post(FormBrowser.action(page, "/device"), FormBrowser.hidden(page));
            await b.post(FormBrowser.action(page, "/login"), {
              username: "sam",
              password: "sam-secret-password",
            });
          },
        } as Parameters<typeof deviceLogin>[0],
      );
      const first = await approved;
      assert.equal(first.idTokenClaims?.sub, served.userId);
      const file = credentialsPath(served.issuer, home);
      assert.ok(file.startsWith(path.join(home, "hero", "cfg")));
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      const stored = JSON.parse(fs.readFileSync(file, "utf8"));
      const token = await storedAccessToken(opts);
      assert.ok(token.length > 10);
      assert.notEqual(
        JSON.parse(fs.readFileSync(file, "utf8")).refresh_token,
        stored.refresh_token,
        "rotated and saved",
      );
      await assert.rejects(
        storedAccessToken({ ...opts, home: path.join(home, "nobody") }),
        (e: HeroError) => e.code === "NOT_LOGGED_IN",
      );
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
