/** Password hashing, TOTP (RFC 6238 vectors) and the login throttle. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { hashPassword, passwordProblem, verifyPassword } from "./password.ts";
import { LoginThrottle } from "./throttle.ts";
import { base32Decode, base32Encode, matchTotp, totpCode } from "./totp.ts";

test("argon2id hashes verify, carry their parameters and differ per salt", async () => {
  const a = await hashPassword("correct horse battery");
  const b = await hashPassword("correct horse battery");
  assert.match(a, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  assert.notEqual(a, b);
  assert.equal(await verifyPassword("correct horse battery", a), true);
  assert.equal(await verifyPassword("correct horse batterx", a), false);
  assert.equal(await verifyPassword("x", "not a hash"), false);
  assert.match(passwordProblem("short") ?? "", /too short/);
  assert.equal(passwordProblem("long enough password"), undefined);
});

test("TOTP matches the RFC 6238 SHA-1 test vectors", () => {
  // The RFC's key is the ASCII "12345678901234567890"; its 8-digit codes end in these 6 digits.
  const secret = base32Encode(new TextEncoder().encode("12345678901234567890"));
  assert.equal(base32Decode(secret).toString(), "12345678901234567890");
  assert.equal(totpCode(secret, Math.floor(59 / 30)), "287082");
  assert.equal(totpCode(secret, Math.floor(1111111109 / 30)), "081804");
  assert.equal(totpCode(secret, Math.floor(2000000000 / 30)), "279037");
});

test("a TOTP code is accepted within one step of drift, and only once", () => {
  const secret = base32Encode(new TextEncoder().encode("12345678901234567890"));
  const now = 1111111109_000;
  const step = matchTotp(secret, "081804", { nowMs: now });
  assert.equal(step, 37037036);
  assert.equal(matchTotp(secret, "081804", { nowMs: now + 30_000 }), step, "one step late is fine");
  assert.equal(matchTotp(secret, "081804", { nowMs: now + 90_000 }), undefined, "too late");
  assert.equal(matchTotp(secret, "081804", { nowMs: now, lastStep: step }), undefined, "replay");
  assert.equal(matchTotp(secret, "12345", { nowMs: now }), undefined);
});

test("the throttle locks an account after 5 failures and an IP after 20, for the window", () => {
  let now = 0;
  const t = new LoginThrottle({ windowMs: 60_000 }, () => now);
  for (let i = 0; i < 5; i++) t.fail("Alice", "10.0.0.1");
  assert.ok(t.retryAfter("alice", "10.0.0.2") > 0, "account locked from any IP, any case");
  assert.equal(t.retryAfter("bob", "10.0.0.2"), 0);
  now = 61_000;
  assert.equal(t.retryAfter("alice", "10.0.0.2"), 0, "window passed");
  for (let i = 0; i < 20; i++) t.fail(`user${i}`, "10.0.0.9");
  assert.ok(t.retryAfter("someone", "10.0.0.9") > 0, "IP locked for every account");
  t.succeed("user1");
  assert.ok(t.retryAfter("user1", "10.0.0.9") > 0, "success clears the account, not the IP");
});
