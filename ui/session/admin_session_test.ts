/** Who may change things: owner sockets, the session cookie with CSRF header, bearer tokens. */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { test } from "node:test";
import {
  canMutate,
  loadAdminToken,
  mutationProblem,
  tokenLogin,
  upgradeProblem,
} from "./admin_session.ts";

const TOKEN = "t0ken";
const unix = { transport: "unix" as const };
const tcp = { transport: "tcp" as const, remoteAddress: "127.0.0.1" };
const req = (headers: Record<string, string> = {}, url = "http://h/api/x") =>
  new Request(url, { method: "POST", headers });

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

test("a direct Unix-socket client is the owner; a forwarded one is not", () => {
  assert.equal(mutationProblem(req(), unix, TOKEN), undefined);
  assert.match(
    mutationProblem(req({ "x-forwarded-for": "10.1.2.3" }), unix, TOKEN)!,
    /admin session/,
  );
  assert.equal(canMutate(req({ "x-forwarded-for": "10.1.2.3" }), unix, TOKEN), false);
});

test("TCP needs the session: no token, a wrong token and a cookie without CSRF header are refused", () => {
  assert.match(mutationProblem(req(), tcp, TOKEN)!, /admin session/);
  assert.match(mutationProblem(req({ cookie: "hero_admin=wrong" }), tcp, TOKEN)!, /admin session/);
  assert.match(mutationProblem(req({ cookie: "hero_admin=t0ken" }), tcp, TOKEN)!, /X-Hero-CSRF/);
  assert.equal(
    mutationProblem(req({ cookie: "a=b; hero_admin=t0ken", "x-hero-csrf": "1" }), tcp, TOKEN),
    undefined,
  );
  assert.equal(mutationProblem(req({ authorization: "Bearer t0ken" }), tcp, TOKEN), undefined);
  assert.match(
    mutationProblem(req({ authorization: "Bearer t0ke" }), tcp, TOKEN)!,
    /admin session/,
  );
});

test("WebSocket upgrades need the session and a same-origin Origin", () => {
  const h = { cookie: "hero_admin=t0ken", host: "127.0.0.1:9988" };
  assert.match(upgradeProblem(req({ host: h.host }), tcp, TOKEN)!, /admin session/);
  assert.equal(
    upgradeProblem(req({ ...h, origin: "http://127.0.0.1:9988" }), tcp, TOKEN),
    undefined,
  );
  assert.match(
    upgradeProblem(req({ ...h, origin: "http://evil.example" }), tcp, TOKEN)!,
    /does not match/,
  );
  const proxied = {
    cookie: h.cookie,
    host: "localhost",
    "x-forwarded-host": h.host,
    "x-forwarded-for": "127.0.0.1",
  };
  assert.equal(
    upgradeProblem(req({ ...proxied, origin: "http://127.0.0.1:9988" }), unix, TOKEN),
    undefined,
  );
});

test("?token= sets an HttpOnly SameSite=Strict cookie and redirects without it; a wrong one is 403", () => {
  const ok = tokenLogin(new Request("http://h/logs?token=t0ken&x=1"), TOKEN, "/hero_proc/admin")!;
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get("location"), "/hero_proc/admin/logs?x=1");
  assert.match(
    ok.headers.get("set-cookie")!,
    /^hero_admin=t0ken; Path=\/; HttpOnly; SameSite=Strict$/,
  );
  assert.equal(tokenLogin(new Request("http://h/?token=nope"), TOKEN)!.status, 403);
  assert.equal(tokenLogin(new Request("http://h/"), TOKEN), undefined);
});
