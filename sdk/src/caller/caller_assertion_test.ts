/**
 * The caller assertion end to end on real sockets (Deno and Node): what hero_router signs, a
 * service's HeroServer verifies and hands to handlers as `ctx.caller` (RPC) and `info.caller`
 * (admin socket); the owner without a header is the built-in identity; a bare, forged,
 * misaddressed or foreign-key header is refused with 401 and never becomes the owner.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { SignJWT } from "jose";
import { defineApi, defineMethod, HeroServer, isHeroError } from "../../mod.ts";
import { CALLER_HEADER, CallerSigner, CallerVerifier, currentRuntime } from "../../internal.ts";
import type { Caller } from "./caller.ts";

const ALICE: Caller = {
  subject: "user:alice",
  name: "alice",
  via: "cookie",
  scopes: ["hero:read", "hero:notes:write"],
  groups: ["viewers"],
};

describe("caller assertion", () => {
  let root: string;
  let server: HeroServer;
  let signer: CallerSigner;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "hero_caller_"));
    signer = await CallerSigner.create(root);
    const api = defineApi({
      info: { title: "Who", version: "1.0.0" },
      methods: [defineMethod({
        name: "whoami",
        params: [],
        result: { name: "caller", schema: { type: "object" } },
        handler: (_p, ctx) => ctx.caller,
      })],
    });
    server = new HeroServer({
      name: "who",
      api,
      admin: (_request, info) => Promise.resolve(Response.json(info.caller)),
      socketRoot: root,
    });
    await server.start();
  });
  after(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  const send = async (socket: "rpc" | "admin", headers: Record<string, string> = {}) => {
    const t = currentRuntime().transport({ socketPath: `${root}/who/${socket}.sock` });
    try {
      const res = await t.send({
        method: socket === "rpc" ? "POST" : "GET",
        path: socket === "rpc" ? "/rpc" : "/",
        headers: { "content-type": "application/json", ...headers },
        body: socket === "rpc"
          ? JSON.stringify({ jsonrpc: "2.0", id: 1, method: "whoami" })
          : undefined,
      });
      const body = JSON.parse(res.body);
      return { status: res.status, caller: socket === "rpc" ? body.result : body, body };
    } finally {
      t.close();
    }
  };

  it("the owner on the Unix socket is the built-in identity (RPC and admin socket)", async () => {
    for (const socket of ["rpc", "admin"] as const) {
      const { status, caller } = await send(socket);
      assert.equal(status, 200);
      assert.equal(caller.subject, "owner");
      assert.deepEqual(caller.scopes, ["hero:admin"]);
    }
  });

  it("a signed assertion becomes ctx.caller and info.caller", async () => {
    const assertion = await signer.sign(ALICE, "who");
    for (const socket of ["rpc", "admin"] as const) {
      const { status, caller } = await send(socket, { [CALLER_HEADER]: assertion });
      assert.equal(status, 200);
      assert.deepEqual(caller, ALICE);
    }
    assert.equal(await signer.sign(ALICE, "who"), assertion, "reused while fresh");
  });

  it("cached() answers without a promise once an assertion was signed, per caller and service", async () => {
    const bob: Caller = Object.freeze({
      subject: "user:bob",
      name: "bob",
      via: "bearer",
      scopes: Object.freeze(["hero:read"]),
    });
    assert.equal(signer.cached(bob, "who"), undefined, "nothing signed yet");
    const signed = await signer.sign(bob, "who");
    assert.equal(signer.cached(bob, "who"), signed, "by the same (frozen) object");
    assert.equal(signer.cached({ ...bob, scopes: [...bob.scopes] }, "who"), signed, "by claims");
    assert.equal(signer.cached({ ...bob, scopes: ["hero:admin"] }, "who"), undefined);
    assert.equal(signer.cached(bob, "other"), undefined, "each service has its own");
    const { status, caller } = await send("rpc", { [CALLER_HEADER]: signed });
    assert.equal(status, 200);
    assert.deepEqual(caller, bob);
  });

  it("a bare or forged header is refused with 401, never taken for the owner", async () => {
    const unsigned = [
      "owner",
      JSON.stringify({ sub: "owner", scopes: ["hero:admin"] }),
      `${b64({ alg: "none", typ: "hero-caller+jwt" })}.${b64({ sub: "owner" })}.`,
    ];
    // Signed with a key of the attacker's own, claiming the router's key id.
    const mine = await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
      "sign",
    ]) as CryptoKeyPair;
    const real = JSON.parse(atob((await signer.sign(ALICE, "who")).split(".")[0]));
    const forged = await new SignJWT({ name: "x", via: "unix", scopes: ["hero:admin"] })
      .setProtectedHeader({ alg: "EdDSA", kid: real.kid, typ: "hero-caller+jwt" })
      .setIssuer("hero_router").setAudience("who").setSubject("owner")
      .setIssuedAt().setExpirationTime("1m").sign(mine.privateKey);
    for (const header of [...unsigned, forged]) {
      for (const socket of ["rpc", "admin"] as const) {
        const { status, body } = await send(socket, { [CALLER_HEADER]: header });
        assert.equal(status, 401, `${socket}: ${header.slice(0, 40)}`);
        assert.match(body.error, /X-Hero-Caller assertion is not valid/);
      }
    }
  });

  it("an assertion for another service is refused (one service cannot replay it to another)", async () => {
    const other = await signer.sign(ALICE, "other");
    assert.equal((await send("rpc", { [CALLER_HEADER]: other })).status, 401);
    const verifier = new CallerVerifier(root, "other");
    assert.equal((await verifier.verify(other)).subject, "user:alice");
    await assert.rejects(
      new CallerVerifier(root, "who").verify(other),
      (e) => isHeroError(e, "INVALID_CALLER") && /aud/.test(e.message),
    );
  });

  it("a new router key is picked up; assertions of the old one stop working", async () => {
    const before = await signer.sign({ ...ALICE, subject: "user:old" }, "who");
    assert.equal((await send("rpc", { [CALLER_HEADER]: before })).status, 200);
    signer = await CallerSigner.create(root);
    const fresh = await signer.sign(ALICE, "who");
    assert.equal((await send("rpc", { [CALLER_HEADER]: fresh })).status, 200);
    const verifier = new CallerVerifier(root, "who");
    await assert.rejects(verifier.verify(before), /key hero_router does not hold/);
  });
});

function b64(value: unknown): string {
  return btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}
