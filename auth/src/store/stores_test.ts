/** Users, groups and the audit log over a real SQLite database. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { AuditLog } from "./audit_log.ts";
import { openAuthDatabase } from "./database.ts";
import { GroupStore } from "./groups.ts";
import { UserStore } from "./users.ts";

test("the audit log refuses updates and deletes", () => {
  const db = openAuthDatabase(":memory:");
  const audit = new AuditLog(db);
  const seq = audit.append({ event: "login.failed", subject: "x", ok: false });
  assert.throws(() => db.exec("UPDATE audit SET ok = 1"), /append-only/);
  assert.throws(() => db.exec("DELETE FROM audit"), /append-only/);
  assert.deepEqual(audit.query({ event: "login." }).map((r) => [r.seq, r.ok]), [[seq, false]]);
  db.close();
});

test("users: bad input is refused and changes nothing; the owner cannot be deleted", () => {
  const db = openAuthDatabase(":memory:");
  const users = new UserStore(db);
  const owner = users.create({ username: "root", is_owner: true });
  assert.throws(() => users.create({ username: "no spaces" }), /Invalid username/);
  assert.throws(() => users.create({ username: "ok", email: "nope" }), /Invalid email/);
  assert.throws(() => users.create({ username: "ROOT" }), /already exists/);
  assert.equal(users.count(), 1);
  assert.throws(() => users.delete(owner.id), /owner/);
  assert.throws(() => users.update(owner.id, { disabled: true }), /owner/);
  assert.throws(() => users.get("missing"), /not found/);
  db.close();
});

test("groups: roles become claims; the owner is always admin; deleting a user drops memberships", () => {
  const db = openAuthDatabase(":memory:");
  const users = new UserStore(db);
  const groups = new GroupStore(db);
  const owner = users.create({ username: "root", is_owner: true });
  const amy = users.create({ username: "amy" });
  const ops = groups.create({ name: "ops", roles: ["read", "deploy"] });
  assert.throws(() => groups.create({ name: "x", roles: ["Bad Role"] }), /Invalid role/);
  assert.throws(() => groups.addMember(ops.id, "nobody"), /not found/);
  groups.addMember(ops.id, amy.id);
  groups.addMember(ops.id, amy.id);
  assert.deepEqual(groups.claimsOf(amy.id, false), { groups: ["ops"], roles: ["deploy", "read"] });
  assert.deepEqual(groups.claimsOf(owner.id, true), { groups: [], roles: ["admin"] });
  users.delete(amy.id);
  assert.deepEqual(groups.members(ops.id), []);
  db.close();
});
