/** Tests of HTTP/1.1 response head parsing, body framing and chunked decoding. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bodyFraming, ChunkedDecoder, headEnd, parseHead } from "./http1_parser.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (parts: Uint8Array[]) => parts.map((p) => new TextDecoder().decode(p)).join("");

test("heads are parsed and framing follows RFC 9112", () => {
  const raw = bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello");
  const end = headEnd(raw);
  const head = parseHead(raw, end);
  assert.equal(head.status, 200);
  assert.deepEqual(head.headers, [["content-length", "5"], ["x-a", "b"]]);
  assert.deepEqual(bodyFraming("GET", head), { kind: "length", length: 5 });
  assert.deepEqual(bodyFraming("HEAD", head), { kind: "none" });
  const chunked = parseHead(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), 47);
  assert.deepEqual(bodyFraming("GET", chunked), { kind: "chunked" });
  const close = parseHead(bytes("HTTP/1.0 200 OK\r\n\r\n"), 19);
  assert.deepEqual(bodyFraming("GET", close), { kind: "close" });
  const none = parseHead(bytes("HTTP/1.1 304 Not Modified\r\n\r\n"), 29);
  assert.deepEqual(bodyFraming("GET", none), { kind: "none" });
  assert.equal(headEnd(bytes("HTTP/1.1 200 OK\r\n")), -1);
});

test("garbage and malformed heads are refused", () => {
  assert.throws(() => parseHead(bytes("SSH-2.0-OpenSSH\r\n\r\n"), 19), /not HTTP/);
  assert.throws(() => parseHead(bytes("HTTP/1.1 200 OK\r\nbad line\r\n\r\n"), 29), /malformed/);
  const badLength = parseHead(bytes("HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n"), 39);
  assert.throws(() => bodyFraming("GET", badLength), /invalid content-length/);
});

test("chunked bodies decode across arbitrary splits, trailers and what follows", () => {
  const body =
    "4\r\nWiki\r\n6;ext=1\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT";
  for (const size of [1, 2, 3, 7, 1000]) {
    const d = new ChunkedDecoder();
    const out: Uint8Array[] = [];
    const all = bytes(body);
    for (let i = 0; i < all.byteLength && !d.done; i += size) {
      out.push(...d.feed(all.slice(i, i + size)));
    }
    assert.ok(d.done, `split ${size}`);
    assert.equal(text(out), "Wikipedia in \r\n\r\nchunks.");
    if (size === 1000) assert.equal(new TextDecoder().decode(d.rest), "NEXT");
  }
  assert.throws(() => new ChunkedDecoder().feed(bytes("zz\r\n")), /chunk size/);
});
