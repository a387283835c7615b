/**
 * Test support: a hero_collab over a temporary database with a fixed directory (users alice,
 * bob, carol, dave; groups eng = alice+bob, collab-admins = carol), and calls through the real
 * API (param validation, error mapping, rate limits) as any of them.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type RpcApi, RpcError } from "@hero/sdk";
import { collabApi, type MethodGroup } from "../src/api/collab_api.ts";
import { CollabService, type CollabServiceOptions } from "../src/collab_service.ts";
import { type Caller, OWNER_CALLER, userCaller } from "../src/identity/caller.ts";
import type { DirectoryGroup, DirectorySource, DirectoryUser } from "../src/identity/directory.ts";

/** A directory source with fixed content (stands in for hero_auth where it is not the subject). */
export class StaticDirectory implements DirectorySource {
  users_: DirectoryUser[];
  groups_: (DirectoryGroup & { members: string[] })[];

  /** The given users and groups. */
  constructor(users: DirectoryUser[], groups: (DirectoryGroup & { members: string[] })[]) {
    this.users_ = users;
    this.groups_ = groups;
  }

  /** Every user. */
  users(): Promise<DirectoryUser[]> {
    return Promise.resolve(this.users_);
  }

  /** Every group. */
  groups(): Promise<(DirectoryGroup & { members: string[] })[]> {
    return Promise.resolve(this.groups_);
  }
}

const person = (id: string): DirectoryUser => ({
  id,
  username: id.replace(/^u-/, ""),
  display_name: id.replace(/^u-/, "").toUpperCase(),
  is_bot: false,
  disabled: false,
});

/** A hero_collab under test. */
export interface CollabHarness {
  svc: CollabService;
  api: RpcApi;
  dir: string;
  source: StaticDirectory;
  /** Calls a method as a user (`alice`, …) or as the owner (`owner`). */
  call<T = unknown>(who: string, method: string, params?: Record<string, unknown>): Promise<T>;
  /** The id of the first workspace. */
  workspaceId: string;
  /** The id of its #general channel. */
  generalId: string;
  close(): void;
}

/** The caller for a test user name. */
export function callerFor(who: string): Caller {
  return who === "owner" ? OWNER_CALLER : userCaller({ id: `u-${who}`, username: who });
}

/** Starts a hero_collab with the fixed directory. */
export async function startHarness(
  opts: Partial<CollabServiceOptions> = {},
  extra: MethodGroup[] = [],
): Promise<CollabHarness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hero-collab-"));
  const source = new StaticDirectory(
    ["u-alice", "u-bob", "u-carol", "u-dave"].map(person),
    [
      { id: "g-eng", name: "eng", description: "Engineering", members: ["u-alice", "u-bob"] },
      { id: "g-admins", name: "collab-admins", description: "", members: ["u-carol"] },
    ],
  );
  const svc = new CollabService({
    dbPath: path.join(dir, "collab.db"),
    filesDir: path.join(dir, "files"),
    directorySource: source,
    ...opts,
  });
  await svc.syncDirectory();
  const api = collabApi(svc, extra);
  const call = <T>(who: string, method: string, params: Record<string, unknown> = {}) =>
    api.call(method, params, {
      method,
      signal: new AbortController().signal,
      caller: callerFor(who),
    }) as Promise<T>;
  const ws = svc.store.workspaces.where("slug = 'hero'")[0];
  const general = svc.store.channels.where("workspace_id = ? AND name = 'general'", ws.id)[0];
  return {
    svc,
    api,
    dir,
    source,
    call,
    workspaceId: ws.id,
    generalId: general.id,
    close: () => {
      svc.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Awaits a call that must fail with an RpcError of `code` (and a message matching `match`). */
export async function refused(
  p: Promise<unknown>,
  code: number,
  match?: RegExp,
): Promise<RpcError> {
  const err = await p.then(() => undefined, (e) => e);
  assert.ok(err instanceof RpcError, `expected an RpcError ${code}, got ${err}`);
  assert.equal(err.code, code, err.message);
  if (match) assert.match(err.message, match);
  return err;
}
