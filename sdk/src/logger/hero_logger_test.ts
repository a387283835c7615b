/**
 * HeroLogger and followLogs against a stand-in hero_proc (a real HeroServer on real sockets
 * with `logs.insert` and an SSE `/logs/follow`), so the same test runs on Deno and Node.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { defineApi, defineMethod, HeroServer } from "../../mod.ts";
import { HeroLogger } from "./hero_logger.ts";
import { followLogs } from "./log_follower.ts";
import { splitArgs } from "../lifecycle/split_args.ts";

interface Sent {
  source: string;
  level: string;
  message: string;
  service?: string;
  fields?: Record<string, unknown>;
}

async function fakeProc(root: string) {
  const batches: Sent[][] = [];
  const server = new HeroServer({
    name: "hero_proc",
    socketRoot: root,
    api: defineApi({
      info: { title: "fake hero_proc", version: "0" },
      methods: [
        defineMethod<{ lines: Sent[] }, unknown>({
          name: "logs.insert",
          params: [{ name: "lines", required: true, schema: { type: "array" } }],
          result: { name: "r", schema: { type: "object" } },
          handler: (p) => {
            batches.push(p.lines);
            return { accepted: p.lines.length, dropped: 0 };
          },
        }),
      ],
    }),
    admin: (req) => {
      const url = new URL(req.url);
      const after = Number(url.searchParams.get("after_id") ?? 0);
      const body = [
        `event: ready\ndata: {"last_id":${after}}\n\n`,
        ": comment\n\n",
        `id: ${after + 1}\ndata: ${
          JSON.stringify({
            id: after + 1,
            ts: 1,
            level: "info",
            source: url.searchParams.get("source"),
            service: null,
            job_id: null,
            message: "first\nline",
          })
        }\n\n`,
        `id: ${after + 2}\r\ndata: ${
          JSON.stringify({
            id: after + 2,
            ts: 2,
            level: "warn",
            source: "x",
            service: null,
            job_id: null,
            message: "second",
          })
        }\r\n\r\n`,
      ].join("");
      const enc = new TextEncoder().encode(body);
      // Split mid-event to exercise the parser's buffering.
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(enc.slice(0, 37));
          c.enqueue(enc.slice(37));
          c.close();
        },
      });
      return Promise.resolve(
        new Response(stream, { headers: { "content-type": "text/event-stream" } }),
      );
    },
  });
  await server.start();
  return { server, batches, lines: () => batches.flat() };
}

function tmp() {
  return fs.mkdtempSync(path.join(os.tmpdir(), "hero_logger_"));
}

test("lines go out in batches of at most 500, with levels, child sources and fields", async () => {
  const root = tmp();
  const proc = await fakeProc(root);
  const logger = new HeroLogger({ source: "embedder", socketRoot: root, level: "debug" });
  try {
    const ws = logger.child("workspace", "w.7");
    for (let i = 0; i < 1200; i++) ws.child("job", i % 3).info(`line ${i}`, { i });
    logger.trace("below the minimum level");
    logger.error("boom", { cause: "disk" });
    await logger.flush();
    const all = proc.lines();
    assert.equal(all.length, 1201);
    assert.ok(proc.batches.every((b) => b.length <= 500), "no batch above 500");
    // Batches travel concurrently: they may arrive in any order.
    const byMessage = (m: string) => all.find((l) => l.message === m)!;
    assert.equal(byMessage("line 0").source, "embedder.workspace.w_7.job.0");
    assert.equal(byMessage("line 0").service, "embedder");
    assert.equal(byMessage("line 4").source, "embedder.workspace.w_7.job.1");
    assert.deepEqual(byMessage("line 5").fields, { i: 5 });
    assert.deepEqual(byMessage("boom"), {
      ...byMessage("boom"),
      level: "error",
      source: "embedder",
    });
    assert.deepEqual(logger.stats, { sent: 1201, dropped: 0, pending: 0, connected: true });
  } finally {
    await logger.close();
    await proc.server.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("a lone line is sent within the flush interval, without an explicit flush", async () => {
  const root = tmp();
  const proc = await fakeProc(root);
  const logger = new HeroLogger({ source: "svc", socketRoot: root, flushMs: 200 });
  try {
    logger.info("hello");
    assert.equal(proc.lines().length, 0, "buffered, not sent at once");
    const deadline = Date.now() + 3000;
    while (!proc.lines().length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(proc.lines()[0]?.message, "hello");
  } finally {
    await logger.close();
    await proc.server.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("never throws: bad fields, an unreachable hero_proc, logging after close", async () => {
  const root = tmp();
  const logger = new HeroLogger({ source: "lonely", socketRoot: root, flushMs: 50 });
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  logger.info("circular", circular);
  for (let i = 0; i < 1000; i++) logger.info(`x${i}`);
  await logger.flush();
  assert.equal(logger.stats.connected, false);
  assert.equal(logger.stats.pending, 500, "keeps the newest 500");
  assert.equal(logger.stats.dropped, 501);
  // hero_proc appears: the kept lines and a drop record arrive.
  const proc = await fakeProc(root);
  try {
    logger.info("back");
    await logger.flush();
    const got = proc.lines();
    assert.equal(got.filter((l) => l.message.startsWith("x")).length, 499);
    assert.equal(got.at(-1)?.message, "502 log lines dropped (hero_proc unreachable or too slow)");
    assert.ok(got.some((l) => l.message === "back"));
    await logger.close();
    logger.info("after close");
    assert.equal(logger.stats.dropped, 503);
  } finally {
    await proc.server.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("followLogs parses the SSE stream (split chunks, CRLF, comments, ready event)", async () => {
  const root = tmp();
  const proc = await fakeProc(root);
  const ctl = new AbortController();
  try {
    const got: string[] = [];
    for await (const l of followLogs({ source: "a.b", socketRoot: root, signal: ctl.signal })) {
      got.push(`${l.id}:${l.source}:${l.message}`);
      if (got.length === 4) ctl.abort();
    }
    // After the first stream ends, it resumes after the last id it saw.
    assert.deepEqual(got, ["1:a.b:first\nline", "2:x:second", "3:a.b:first\nline", "4:x:second"]);
  } finally {
    ctl.abort();
    await proc.server.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("run args are split like a shell would", () => {
  assert.deepEqual(splitArgs(`--db "/tmp/my notes.db" --name 'a b' plain\\ space ""`), [
    "--db",
    "/tmp/my notes.db",
    "--name",
    "a b",
    "plain space",
    "",
  ]);
  assert.throws(() => splitArgs(`--db "unclosed`), /Unclosed " in --run-args/);
});
