/** Tests of response heads as the TCP front relays them: framing, reuse, and the edits. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseResponseHead, UpstreamHeadError } from "./response_head.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function parse(head: string, method = "GET") {
  return parseResponseHead(bytes(head), head.length, method);
}

test("framing: length, chunked, until close, and none for HEAD, 204, 304, 1xx", () => {
  const len = parse("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n");
  assert.deepEqual([len.framing, len.contentLength, len.keepAlive], ["length", 12, true]);
  assert.equal(len.edited, undefined, "nothing to edit: the bytes go as they came");
  const chunked = parse("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n");
  assert.equal(chunked.framing, "chunked");
  assert.equal(chunked.edited, undefined, "the chunked framing is relayed as it is");
  const close = parse("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\n");
  assert.equal(close.framing, "close");
  assert.equal(close.keepAlive, false);
  assert.match(text(close.edited!), /connection: close\r\n\r\n$/);
  assert.equal(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "HEAD").framing, "none");
  assert.equal(parse("HTTP/1.1 204 No Content\r\n\r\n").framing, "none");
  assert.equal(parse("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n").framing, "none");
  assert.equal(parse("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n").status, 103);
  assert.equal(parse("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n").keepAlive, false);
  assert.equal(
    parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n").keepAlive,
    false,
  );
});

test("hop-by-hop headers and those named in Connection go; the rest stays byte for byte", () => {
  const res = parse(
    "HTTP/1.1 200 OK\r\nX-Keep: a\r\nConnection: keep-alive, X-Secret\r\nKeep-Alive: timeout=5\r\n" +
      "X-Secret: leak\r\nContent-Length: 2\r\nProxy-Authenticate: x\r\nTE: trailers\r\n" +
      "Trailer: y\r\nUpgrade: h2c\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n",
  );
  assert.equal(
    text(res.edited!),
    "HTTP/1.1 200 OK\r\nX-Keep: a\r\nContent-Length: 2\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n",
  );
});

test("a 101 keeps only Connection: Upgrade and its Upgrade, other hop-by-hop headers go", () => {
  const res = parse(
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade, x-hop\r\n" +
      "Sec-WebSocket-Accept: abc\r\nx-hop: 1\r\nkeep-alive: timeout=5\r\n\r\n",
  );
  assert.equal(res.status, 101);
  assert.equal(
    text(res.edited!),
    "HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: abc\r\n" +
      "connection: Upgrade\r\nupgrade: websocket\r\n\r\n",
  );
});

test("heads that cannot be framed without guessing are errors", () => {
  for (
    const bad of [
      "garbage\r\n\r\n",
      "HTTP/2 200 OK\r\n\r\n",
      "HTTP/1.1 20 OK\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
      "HTTP/1.1 200 OK\r\nA: 1\nB: 2\r\n\r\n",
      "HTTP/1.1 200 OK\r\nBad Name: 1\r\n\r\n",
    ]
  ) {
    assert.throws(() => parse(bad), UpstreamHeadError, JSON.stringify(bad));
  }
});
