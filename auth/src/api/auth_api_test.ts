/**
 * hero_auth's RPC API over its real socket: the OpenRPC document (annotations for hero_collab
 * and the MCP gateway), bad input on every method (a clear error, nothing changed), and the
 * sign-in pages' second factor, throttling and one-time setup link.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { RpcError } from "@hero/sdk";
import { totpCode, totpStep } from "../accounts/totp.ts";
import { type AuthFixture, startAuthFixture } from "../test_support/auth_fixture.ts";
import { FormBrowser } from "../test_support/form_browser.ts";
import { authorizationRequest, testClient, testUser } from "../test_support/oidc_helpers.ts";

let f: AuthFixture;
before(async () => (f = await startAuthFixture({ throttle: { perAccount: 3, perIp: 50 } })));
after(() => f.close());

test("the OpenRPC document marks every read as readOnlyHint and every removal as destructive", async () => {
  const doc = await f.call<{ methods: Record<string, unknown>[] }>("rpc.discover");
  const byName = new Map(
    doc.methods.map((
      m,
    ) => [m.name as string, m["x-hero-annotations"] as Record<string, boolean> | undefined]),
  );
  for (
    const read of [
      "users.list",
      "users.get",
      "groups.list",
      "groups.get",
      "groups.members",
      "clients.list",
      "sessions.list",
      "audit.query",
      "keys.list",
      "tokens.introspect",
      "auth.info",
    ]
  ) {
    assert.equal(byName.get(read)?.readOnlyHint, true, read);
  }
  for (
    const del of [
      "users.delete",
      "groups.delete",
      "groups.remove_member",
      "clients.delete",
      "sessions.revoke",
    ]
  ) {
    assert.equal(byName.get(del)?.destructiveHint, true, del);
  }
  for (const write of ["users.create", "groups.create", "groups.add_member", "keys.rotate"]) {
    assert.notEqual(byName.get(write)?.readOnlyHint, true, write);
  }
});

test("bad input on every mutating method: a clear error and no change", async () => {
  const snapshot = async () =>
    JSON.stringify([
      await f.call("users.list"),
      await f.call("groups.list"),
      await f.call("clients.list"),
    ]);
  const before = await snapshot();
  const owner = (await f.call<{ id: string; is_owner: boolean }[]>("users.list")).find((u) =>
    u.is_owner
  )!;
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["users.create", { username: "bad name" }, /Invalid username/],
    ["users.create", { username: "" }, /Invalid params|username/],
    ["users.create", { username: "carl", password: "short" }, /too short|Invalid params/],
    ["users.create", { username: "carl", email: "not-an-email" }, /Invalid email/],
    ["users.update", { id: "missing", display_name: "x" }, /not found/],
    ["users.update", { id: owner.id, disabled: true }, /owner/],
    ["users.delete", { id: owner.id }, /owner/],
    ["users.delete", {}, /Invalid params|id/],
    ["users.set_password", { id: owner.id, password: "x" }, /Invalid params|too short/],
    ["users.setup_link", { id: "missing" }, /not found/],
    ["groups.create", { name: "has space" }, /Invalid group name/],
    ["groups.create", { name: "ok", roles: ["NOT OK"] }, /Invalid params|Invalid role/],
    ["groups.add_member", { group_id: "missing", user_id: owner.id }, /not found/],
    ["groups.delete", { id: "missing" }, /not found/],
    ["clients.create", { client_name: "x", redirect_uris: ["not a url"] }, /Invalid client/],
    ["clients.create", { client_name: "x", grant_types: ["password"] }, /Invalid params/],
    ["clients.delete", { id: "missing" }, /not found/],
    ["sessions.revoke", { id: "missing" }, /not found/],
    ["audit.query", { limit: 0 }, /Invalid params/],
    ["tokens.introspect", { token: "" }, /Invalid params/],
  ];
  for (const [method, params, message] of cases) {
    await assert.rejects(f.call(method, params), (err: RpcError) => {
      assert.ok(err instanceof RpcError, `${method}: ${err}`);
      assert.match(err.message, message, `${method} ${JSON.stringify(params)}: ${err.message}`);
      return true;
    });
  }
  assert.equal(await snapshot(), before, "nothing changed");
  assert.equal(
    (await f.call<{ active: boolean }>("tokens.introspect", { token: "garbage" })).active,
    false,
  );
});

test("password + TOTP sign-in: the code page follows the password; a wrong code is refused", async () => {
  const dana = await testUser(f, "dana");
  const link = await f.call<{ url: string }>("users.setup_link", { id: dana.id });
  const b = new FormBrowser();
  let page = await b.get(link.url);
  const secret = /id="totp-secret">([A-Z2-7]+)</.exec(page.html)![1];
  page = await b.post(FormBrowser.action(page, "/setup/"), {
    password: "dana-new-password",
    confirm: "dana-new-password",
    totp_code: totpCode(secret, totpStep()),
  });
  assert.match(page.html, /Account ready/);
  const used = await new FormBrowser().get(link.url);
  assert.equal(used.status, 410, "a setup link works once");
  const { config } = await testClient(f);
  const { url } = await authorizationRequest(config);
  page = await b.get(String(url));
  page = await b.post(FormBrowser.action(page, "/login"), {
    username: "dana",
    password: "dana-new-password",
  });
  assert.match(page.html, /Two-step verification/);
  const wrong = await b.post(FormBrowser.action(page, "/totp"), { code: "000000" });
  assert.equal(wrong.status, 401);
  // The enrolment code was used; the next step's code (within drift) works once.
  page = await b.post(
    FormBrowser.action(page, "/totp"),
    { code: totpCode(secret, totpStep() + 1) },
    (u) => u.startsWith("http://rp.test"),
  );
  if (page.html.includes("Allow access?")) {
    page = await b.post(
      FormBrowser.action(page, "/consent"),
      {},
      (u) => u.startsWith("http://rp.test"),
    );
  }
  assert.ok(page.url.startsWith("http://rp.test/callback?code="), page.url);
  const records = await f.call<{ detail: { amr?: string[] } }[]>("audit.query", {
    event: "login.succeeded",
    subject: dana.id,
  });
  assert.deepEqual(records[0].detail.amr, ["pwd", "otp"]);
});

test("brute force: after 3 failures the right password is refused too (429), and it is audited", async () => {
  const erin = await testUser(f, "erin");
  const { config } = await testClient(f);
  const b = new FormBrowser();
  const { url } = await authorizationRequest(config);
  const login = await b.get(String(url));
  const action = FormBrowser.action(login, "/login");
  for (let i = 0; i < 3; i++) {
    const page = await b.post(action, { username: "erin", password: `wrong-${i}-password` });
    assert.equal(page.status, 401);
    assert.match(page.html, /Wrong username or password/);
  }
  const locked = await b.post(action, { username: "erin", password: erin.password });
  assert.equal(locked.status, 429);
  assert.match(locked.html, /Too many failed attempts/);
  const throttled = await f.call<unknown[]>("audit.query", {
    event: "login.throttled",
    subject: "erin",
  });
  assert.equal(throttled.length, 1);
  const missing = await b.post(action, { username: "", password: "" });
  assert.equal(missing.status, 400);
});

test("bad input on the setup form: a clear error, the link still works, the account unchanged", async () => {
  const fay = await f.call<{ id: string }>("users.create", { username: "fay" });
  const link = await f.call<{ url: string }>("users.setup_link", { id: fay.id });
  const b = new FormBrowser();
  const page = await b.get(link.url);
  const secret = /id="totp-secret">([A-Z2-7]+)</.exec(page.html)![1];
  const action = FormBrowser.action(page, "/setup/");
  const good = "fay-new-password";
  for (
    const [form, message] of [
      [{ password: "short", confirm: "short" }, /Password is too short/],
      [{ password: good, confirm: `${good}x` }, /The two passwords differ/],
      [{ password: "x".repeat(5000), confirm: "x".repeat(5000) }, /Password is too long/],
      [{ password: good, confirm: good, totp_code: "12345x" }, /authenticator code is not valid/],
      [{ password: good, confirm: good, totp_code: "000000" }, /authenticator code is not valid/],
    ] as const
  ) {
    const res = await b.post(action, form);
    assert.equal(res.status, 400, JSON.stringify(form).slice(0, 80));
    assert.match(res.html, message);
  }
  const user = await f.call<{ has_password: boolean; totp_enabled: boolean }>("users.get", {
    id: fay.id,
  });
  assert.equal(user.has_password, false, "no password was set");
  assert.equal(user.totp_enabled, false, "no authenticator was enrolled");
  const bogus = await new FormBrowser().post(action.replace(/[^/]+$/, "not-a-token"), {
    password: good,
    confirm: good,
  });
  assert.equal(bogus.status, 410, "an unknown setup link is refused");
  // The link was not used up by the refusals: the right input still completes it.
  const done = await b.post(action, {
    password: good,
    confirm: good,
    totp_code: totpCode(secret, totpStep()),
  });
  assert.match(done.html, /Account ready/);
});
