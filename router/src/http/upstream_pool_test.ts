/** Tests of the per-socket connection pool: bounded requests at the service, a fair queue. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { tempRoot } from "../test_support/fixtures.ts";
import { STALL_MS, UpstreamPool } from "./upstream_pool.ts";
import { safeClose } from "./upstream_io.ts";

async function listening() {
  const { root, cleanup } = await tempRoot();
  const path = `${root}/s.sock`;
  const listener = Deno.listen({ transport: "unix", path });
  const accepted: Deno.Conn[] = [];
  (async () => {
    for await (const c of listener) accepted.push(c);
  })().catch(() => {});
  return {
    path,
    accepted,
    close: async () => {
      listener.close();
      for (const c of accepted) safeClose(c);
      await cleanup();
    },
  };
}

test("at most `limit` requests wait at the service; the queue is served in arrival order", async () => {
  const s = await listening();
  const pool = new UpstreamPool(s.path, { limit: 2 });
  try {
    const a = await pool.acquire();
    const b = await pool.acquire();
    const order: number[] = [];
    const waiting = [1, 2, 3].map((i) => pool.acquire().then((c) => (order.push(i), c)));
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(order, [], "nobody passes while both slots are held");
    assert.equal(pool.take(), undefined, "take() does not jump the queue");
    pool.release(a, true); // a's answer is over (a short one): its slot goes to the first in line
    pool.headArrived();
    const first = await waiting[0];
    assert.equal(first.conn, a.conn, "the released connection is reused");
    assert.equal(first.reused, true);
    pool.headArrived();
    pool.headArrived();
    await Promise.all(waiting);
    assert.deepEqual(order, [1, 2, 3]);
    for (const c of [b, ...(await Promise.all(waiting))]) pool.release(c, false);
  } finally {
    pool.close();
    await s.close();
  }
});

test("a queue without progress lets its oldest request through after STALL_MS", async () => {
  const s = await listening();
  const pool = new UpstreamPool(s.path, { limit: 1 });
  try {
    await pool.acquire(); // a long poll: its head never comes
    const t0 = Date.now();
    const next = await pool.acquire();
    const waited = Date.now() - t0;
    assert.ok(waited >= STALL_MS - 50 && waited < STALL_MS * 3, `waited ${waited} ms`);
    pool.release(next, false);
  } finally {
    pool.close();
    await s.close();
  }
});

test("an aborted request leaves the queue; a failed connect frees its slot", async () => {
  const s = await listening();
  const pool = new UpstreamPool(s.path, { limit: 1 });
  const dead = new UpstreamPool(`${s.path}.missing`, { limit: 1 });
  try {
    const held = await pool.acquire();
    const ac = new AbortController();
    const aborted = pool.acquire(ac.signal);
    ac.abort();
    await assert.rejects(aborted, /timed out/);
    const after = pool.acquire();
    pool.release(held, true);
    pool.headArrived();
    assert.equal((await after).conn, held.conn, "the aborted request did not take the slot");
    await assert.rejects(dead.acquire(), /No such file|not found/i);
    await assert.rejects(dead.acquire(), /No such file|not found/i, "the slot was freed");
  } finally {
    pool.close();
    dead.close();
    await s.close();
  }
});
