/** The one SSE writer: framing, keep-alive, and cleanup exactly once however the stream ends. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeSse, eventStream } from "./event_stream.ts";

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

test("frames event, id and JSON data; strings pass as they are", () => {
  assert.equal(
    decode(encodeSse({ event: "line", id: 7, data: { a: 1 } })),
    'event: line\nid: 7\ndata: {"a":1}\n\n',
  );
  assert.equal(decode(encodeSse({ data: "two\nlines" })), "data: two\ndata: lines\n\n");
});

test("sends retry first, then the producer's events; the client cancelling runs cleanup once", async () => {
  let cleaned = 0;
  let push: (n: number) => void = () => {};
  const res = eventStream((sink) => {
    sink.send({ event: "snapshot", data: [1] });
    push = (n) => sink.send({ event: "n", data: n });
    return () => cleaned++;
  });
  assert.equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("event: snapshot")) text += (await reader.read()).value;
  assert.ok(text.startsWith("retry: 2000\n\n"));
  push(5);
  while (!text.includes("event: n")) text += (await reader.read()).value;
  assert.match(text, /event: n\ndata: 5\n\n/);
  await reader.cancel();
  assert.equal(cleaned, 1);
  push(6); // after the end: dropped, no throw
});

test("the signal ends the stream and runs cleanup; a failing producer reports and ends", async () => {
  const ac = new AbortController();
  let cleaned = 0;
  const res = eventStream(() => () => cleaned++, { signal: ac.signal });
  const reader = res.body!.getReader();
  await reader.read(); // retry:
  ac.abort();
  assert.equal((await reader.read()).done, true);
  assert.equal(cleaned, 1);
  const failing = eventStream(() => {
    throw new Error("store closed");
  });
  const text = await new Response(failing.body).text();
  assert.match(text, /event: failure\ndata: \{"error":"store closed"\}/);
});

test("idle streams get a keep-alive comment", async () => {
  const ac = new AbortController();
  const res = eventStream(() => {}, { signal: ac.signal, keepaliveMs: 1000 });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes(": keepalive")) text += (await reader.read()).value;
  ac.abort();
});
