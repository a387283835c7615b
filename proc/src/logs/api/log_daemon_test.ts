/**
 * The log store inside a real daemon, over its real sockets: capture of a child's output,
 * `logs.insert` all-or-nothing, query, tree, stats, long-poll follow, the SSE stream on
 * admin.sock read by the SDK, HeroLogger shipping and reconnecting, and low-disk refusal.
 */
import assert from "node:assert/strict";
import http from "node:http";
import path from "node:path";
import process from "node:process";
import { test } from "node:test";
import { followLogs, HeroLogger, RpcClient, RpcError } from "@hero/sdk";
import type { LogRecord } from "@hero/sdk";
import { resolvePaths } from "../../daemon/paths.ts";
import { serveDaemon } from "../../daemon/serve.ts";
import { tempDir, waitFor } from "../../test_support.ts";

async function daemon(env: Record<string, string> = {}) {
  const t = tempDir("hero_logs_d_");
  const paths = resolvePaths({
    stateDir: path.join(t.dir, "state"),
    configDir: path.join(t.dir, "cfg"),
    socketDir: path.join(t.dir, "s"),
  });
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries({ HERO_PROC_LOG_MIN_FREE: "0", ...env })) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  let d;
  try {
    d = await serveDaemon(paths);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      v === undefined ? delete process.env[k] : (process.env[k] = v);
    }
  }
  const client = new RpcClient(paths.rpcSocket);
  return {
    d,
    paths,
    client,
    root: paths.socketRoot,
    close: async () => {
      client.close();
      await d.close();
      t.cleanup();
    },
  };
}

test("a service's stdout and stderr land in logs.db, tagged with source and job id", async () => {
  const h = await daemon();
  try {
    await h.client.call("service.set", {
      service: {
        name: "printer",
        exec: ["/bin/sh", "-c", "echo one; echo two; echo oops >&2; exec sleep 30"],
      },
    });
    const page = (await waitFor("3 captured lines", async () => {
      const p = await h.client.call<{ lines: LogRecord[] }>("logs.query", {
        source: "printer",
        order: "oldest",
      });
      return p.lines.length >= 3 ? p : undefined;
    }))!;
    const job = (await h.client.call<{ id: number }[]>("job.list", { service: "printer" }))[0];
    assert.deepEqual(
      page.lines.filter((l) => l.source === "printer.main.stdout").map((l) => l.message),
      ["one", "two"],
    );
    const err = page.lines.find((l) => l.source === "printer.main.stderr")!;
    assert.equal(err.message, "oops");
    assert.equal(
      err.level,
      "warn",
      "stderr without a level is warn (src/supervisor/line_level.ts)",
    );
    assert.ok(page.lines.every((l) => l.job_id === job.id && l.service === "printer"));
    const legacy = await h.client.call<{ message: string }[]>("service.logs", { name: "printer" });
    assert.deepEqual(legacy.map((l) => l.message).sort(), ["one", "oops", "two"]);
    assert.equal(path.basename(h.d.logs.file), "logs.db");
    assert.equal(path.dirname(h.d.logs.file), h.paths.stateDir);
  } finally {
    await h.close();
  }
});

test("logs.insert stores all or nothing; query, tree and stats see the lines", async () => {
  const h = await daemon();
  try {
    await assert.rejects(
      h.client.call("logs.insert", {
        lines: [{ source: "ok.one", message: "fine" }, { source: "bad..source", message: "x" }],
      }),
      (e: RpcError) =>
        e.code === -32602 && /Cannot insert log line 1: source "bad..source"/.test(e.message),
    );
    await assert.rejects(
      h.client.call("logs.insert", { lines: [{ source: "ok.one", message: "x", level: "loud" }] }),
      (e: RpcError) => e.code === -32602,
    );
    const r = await h.client.call("logs.insert", {
      lines: [
        { source: "shop.cart.7", level: "warn", message: "cart is slow", fields: { ms: 1200 } },
        { source: "shop.pay", level: "error", message: "card declined" },
      ],
    });
    assert.deepEqual(r, { accepted: 2, dropped: 0 });
    const all = await h.client.call<{ lines: LogRecord[] }>("logs.query", { source: "ok" });
    assert.equal(all.lines.length, 0, "the rejected batches stored nothing");
    const errs = await h.client.call<{ lines: LogRecord[] }>("logs.query", {
      source: "shop",
      level: "error",
    });
    assert.deepEqual(errs.lines.map((l) => l.message), ["card declined"]);
    const tree = await h.client.call<
      { lines: number; children: { path: string; lines: number }[] }
    >(
      "logs.tree",
      { prefix: "shop", depth: 1 },
    );
    assert.equal(tree.lines, 2);
    assert.deepEqual(tree.children.map((c) => [c.path, c.lines]), [["shop.cart", 1], [
      "shop.pay",
      1,
    ]]);
    const stats = await h.client.call<{ lines: number; status: string; file: string }>(
      "logs.stats",
    );
    assert.equal(stats.status, "ok");
    assert.ok(stats.lines >= 2);
  } finally {
    await h.close();
  }
});

test("logs.follow returns new matching lines as soon as they are stored", async () => {
  const h = await daemon();
  try {
    const started = Date.now();
    const waiting = h.client.call<{ lines: LogRecord[]; last_id: number }>("logs.follow", {
      source: "tail",
      level: "warn",
      timeout_ms: 10_000,
    });
    await new Promise((r) => setTimeout(r, 200));
    await h.client.call("logs.insert", {
      lines: [{ source: "tail.x", level: "info", message: "quiet" }],
    });
    await h.client.call("logs.insert", {
      lines: [{ source: "tail.x", level: "error", message: "loud" }],
    });
    const got = await waiting;
    assert.deepEqual(got.lines.map((l) => l.message), ["loud"]);
    assert.ok(Date.now() - started < 5000, "returned on the line, not on the timeout");
    const none = await h.client.call<{ lines: LogRecord[]; last_id: number }>("logs.follow", {
      source: "tail",
      after_id: got.last_id,
      timeout_ms: 100,
    });
    assert.deepEqual(none.lines, []);
    assert.equal(none.last_id, got.last_id);
  } finally {
    await h.close();
  }
});

test("the SDK follows the SSE stream on admin.sock: backlog first, then live lines", async () => {
  const h = await daemon();
  const ctl = new AbortController();
  try {
    await h.client.call("logs.insert", {
      lines: [1, 2, 3].map((i) => ({ source: "feed.a", message: `old ${i}` })),
    });
    const seen: string[] = [];
    const reading = (async () => {
      for await (
        const l of followLogs({
          source: "feed",
          backlog: 2,
          signal: ctl.signal,
          socketRoot: h.root,
        })
      ) {
        seen.push(l.message);
        if (seen.length === 4) ctl.abort();
      }
    })();
    await waitFor("backlog", () => seen.length >= 2);
    await h.client.call("logs.insert", {
      lines: [
        { source: "other.b", message: "not for us" },
        { source: "feed.b", message: "new 1" },
        { source: "feed.a.deep", message: "new 2" },
      ],
    });
    await reading;
    assert.deepEqual(seen, ["old 2", "old 3", "new 1", "new 2"]);
  } finally {
    ctl.abort();
    await h.close();
  }
});

test("HeroLogger ships structured lines with child sources, and counts what it drops while hero_proc is down", async () => {
  const t = tempDir("hero_logs_l_");
  const root = path.join(t.dir, "s");
  const logger = new HeroLogger({ source: "embedder", socketRoot: root, flushMs: 100 });
  try {
    for (let i = 0; i < 700; i++) logger.info(`early ${i}`);
    await logger.flush();
    assert.equal(logger.stats.connected, false);
    assert.equal(logger.stats.sent, 0);
    assert.ok(logger.stats.dropped >= 200, `dropped ${logger.stats.dropped}`);
    assert.ok(logger.stats.pending <= 500);
  } finally {
    t.cleanup();
  }
  const h = await daemon();
  try {
    const lg = new HeroLogger({ source: "embedder", socketRoot: h.root, flushMs: 100 });
    const job = lg.child("workspace", "w.1").child("job", 9);
    job.warn("fetch failed", { url: "http://x", attempt: 2 });
    lg.debug("tick");
    await lg.flush();
    const page = await h.client.call<{ lines: LogRecord[] }>("logs.query", {
      source: "embedder.workspace.*.job",
    });
    assert.equal(page.lines.length, 1);
    assert.equal(page.lines[0].source, "embedder.workspace.w_1.job.9");
    assert.deepEqual(page.lines[0].fields, { url: "http://x", attempt: 2 });
    assert.equal(page.lines[0].service, "embedder");
    await lg.close();

    // The earlier logger finds hero_proc now: what it kept arrives, with the drop count.
    const down = new HeroLogger({
      source: "late",
      socketRoot: path.join(h.root, "nowhere"),
      flushMs: 50,
    });
    for (let i = 0; i < 600; i++) down.info(`x ${i}`);
    await down.flush();
    assert.equal(down.stats.connected, false);
    await down.close();
  } finally {
    await h.close();
  }
});

test("a logger reconnects: lines logged while hero_proc was down are counted, then a record says how many", async () => {
  const t = tempDir("hero_logs_r_");
  const root = path.join(t.dir, "s");
  const lg = new HeroLogger({ source: "svc", socketRoot: root, flushMs: 50 });
  try {
    for (let i = 0; i < 800; i++) lg.info(`before ${i}`);
    await lg.flush();
    assert.ok(lg.stats.dropped >= 300);
    const h = await (async () => {
      const paths = resolvePaths({
        stateDir: path.join(t.dir, "state"),
        configDir: path.join(t.dir, "cfg"),
        socketDir: root,
      });
      process.env.HERO_PROC_LOG_MIN_FREE = "0";
      const d = await serveDaemon(paths);
      delete process.env.HERO_PROC_LOG_MIN_FREE;
      return { d, client: new RpcClient(paths.rpcSocket) };
    })();
    try {
      lg.info("after");
      const dropped = lg.stats.dropped;
      await lg.flush();
      assert.equal(lg.stats.connected, true);
      const page = await h.client.call<{ lines: LogRecord[] }>("logs.query", {
        source: "svc",
        limit: 1000,
      });
      const note = page.lines.find((l) => /log lines dropped/.test(l.message))!;
      assert.ok(note, "a drop record was sent");
      assert.equal(note.level, "warn");
      assert.equal(note.fields?.dropped, dropped);
      assert.ok(page.lines.some((l) => l.message === "after"));
      assert.equal(page.lines.filter((l) => l.message.startsWith("before")).length, 800 - dropped);
    } finally {
      h.client.close();
      await lg.close();
      await h.d.close();
    }
  } finally {
    t.cleanup();
  }
});

test("low free disk: hero_proc keeps supervising, refuses log lines with a clear error, reports degraded", async () => {
  const h = await daemon({ HERO_PROC_LOG_MIN_FREE: "1000000T" });
  try {
    await assert.rejects(
      h.client.call("logs.insert", { lines: [{ source: "a.b", message: "x" }] }),
      (e: RpcError) =>
        e.code === -32020 &&
        /^Cannot store log lines: only \d+ MB free on the disk of /.test(e.message),
    );
    const health = await new Promise<{ status: string; reason?: string }>((resolve, reject) => {
      http.get({ socketPath: h.paths.rpcSocket, path: "/health" }, (r) => {
        let body = "";
        r.on("data", (c) => (body += c));
        r.on("end", () => resolve(JSON.parse(body)));
      }).on("error", reject);
    });
    assert.equal(health.status, "degraded");
    assert.match(health.reason ?? "", /log lines refused: only \d+ MB free/);
    const list = await h.client.call<unknown[]>("service.list");
    assert.deepEqual(list, []);
  } finally {
    await h.close();
  }
});
