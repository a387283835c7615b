/** Who may change things: the caller HeroServer resolved, its scopes, and the CSRF and Origin checks. */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { test } from "node:test";
import type { Caller } from "@hero/sdk";
import {
  bearerToken,
  canMutate,
  loadAdminToken,
  mutationProblem,
  upgradeProblem,
} from "./admin_session.ts";

const unix = { transport: "unix" as const };
const tcp = { transport: "tcp" as const, remoteAddress: "127.0.0.1" };
const req = (headers: Record<string, string> = {}, url = "http://h/api/x") =>
  new Request(url, { method: "POST", headers });
const as = (via: Caller["via"], scopes: string[]) => ({
  transport: "unix" as const,
  caller: { subject: "user:u1", name: "alice", via, scopes },
});

test("the token is created once (0600) and then reused; the environment wins", async () => {
  const root = await mkdtemp(`${tmpdir()}/hero_session_`);
  try {
    const a = await loadAdminToken(root, () => undefined);
    const b = await loadAdminToken(root, () => undefined);
    assert.equal(a, b);
    assert.match(a, /^[0-9a-f]{48}$/);
    assert.equal((await readFile(`${root}/admin_token`, "utf8")).trim(), a);
    assert.equal((await stat(`${root}/admin_token`)).mode & 0o777, 0o600);
    assert.equal(
      await loadAdminToken(root, (k) => (k === "HERO_ADMIN_TOKEN" ? "fromenv" : undefined)),
      "fromenv",
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test("without a resolved caller: a plain Unix-socket client is the owner, anything else nobody", () => {
  assert.equal(mutationProblem(req(), unix, "svc"), undefined);
  assert.equal(canMutate(req(), unix, "svc"), true);
  const forwarded: Record<string, string>[] = [{ "x-forwarded-for": "10.1.2.3" }, {
    "x-hero-caller": "x",
  }];
  for (const headers of forwarded) {
    assert.match(mutationProblem(req(headers), unix, "svc")!, /write access/);
    assert.equal(canMutate(req(headers), unix, "svc"), false);
  }
  assert.match(mutationProblem(req({ authorization: "Bearer admin" }), tcp, "svc")!, /sign in/);
});

test("the caller's scopes decide, per service; a cookie caller also needs the CSRF header", () => {
  assert.equal(mutationProblem(req(), as("bearer", ["hero:admin"]), "svc"), undefined);
  assert.equal(mutationProblem(req(), as("bearer", ["hero:svc:write"]), "svc"), undefined);
  assert.match(mutationProblem(req(), as("bearer", ["hero:other:write"]), "svc")!, /may only/);
  assert.match(mutationProblem(req(), as("bearer", ["hero:read"]), "svc")!, /alice may only read/);
  assert.equal(canMutate(req(), as("cookie", ["hero:read"]), "svc"), false);
  assert.match(mutationProblem(req(), as("cookie", ["hero:admin"]), "svc")!, /X-Hero-CSRF/);
  assert.equal(
    mutationProblem(req({ "x-hero-csrf": "1" }), as("cookie", ["hero:admin"]), "svc"),
    undefined,
  );
});

test("WebSocket upgrades need write access and a same-origin Origin", () => {
  const proxied = { host: "localhost", "x-forwarded-host": "127.0.0.1:9988" };
  const admin = as("cookie", ["hero:admin"]);
  assert.match(upgradeProblem(req(proxied), as("cookie", ["hero:read"]), "svc")!, /write access/);
  assert.equal(
    upgradeProblem(req({ ...proxied, origin: "http://127.0.0.1:9988" }), admin, "svc"),
    undefined,
  );
  assert.match(
    upgradeProblem(req({ ...proxied, origin: "http://evil.example" }), admin, "svc")!,
    /does not match/,
  );
  assert.equal(upgradeProblem(req({ origin: "http://evil.example" }), unix, "svc"), undefined);
});

test("a bearer token is read as `Bearer <token>` (any case), whatever form the header has", () => {
  const token = (value?: string) => bearerToken({ headers: { get: () => value ?? null } });
  assert.equal(token("Bearer abc.def"), "abc.def");
  assert.equal(token("bEaReR abc"), "abc");
  assert.equal(token("Bearer   abc"), "abc");
  assert.equal(token("Bearer\tabc"), "abc");
  assert.equal(token("Bearer \u00e9t\u00e9"), "\u00e9t\u00e9");
  for (const no of [undefined, "Bearer", "Bearer ", "Bearer a b", "Bearer abc ", " Bearer abc"]) {
    assert.equal(token(no), undefined, String(no));
  }
  for (const no of ["Bearerx abc", "Basic abc", "Bearfr abc", "Bearer a\u00a0b"]) {
    assert.equal(token(no), undefined, no);
  }
});
