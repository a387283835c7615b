/** Tests of the chunked-body end finder: whole bodies, bodies split anywhere, and bad framing. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ChunkedSyntaxError, ChunkScanner } from "./chunk_scanner.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const BODY = "5\r\nhello\r\nA;ext=1\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n";

test("finds the end of a body, with extensions and trailers, and not past it", () => {
  const b = bytes(BODY + "GET /next");
  const s = new ChunkScanner();
  assert.equal(s.scan(b, 0, b.length), BODY.length);
  assert.ok(s.done);
  const plain = bytes("3\r\nabc\r\n0\r\n\r\n");
  assert.equal(new ChunkScanner().scan(plain, 0, plain.length), plain.length);
});

test("the same end whatever the reads look like (byte by byte, in halves)", () => {
  const b = bytes(BODY);
  const s = new ChunkScanner();
  let end = -1;
  for (let i = 0; i < b.length && end < 0; i++) end = s.scan(b, i, i + 1);
  assert.equal(end, b.length);
  for (let cut = 1; cut < b.length; cut++) {
    const t = new ChunkScanner();
    assert.equal(t.scan(b, 0, cut), -1, `cut at ${cut}`);
    assert.equal(t.scan(b, cut, b.length), b.length, `cut at ${cut}`);
  }
});

test("malformed framing is an error, never a guess", () => {
  for (
    const bad of [
      "x\r\n",
      "5\nhello\r\n",
      "5\r\nhelloX\r\n",
      "5\r\nhello\n",
      "3\r\nabc\r\n0\r\nT: x\n\r\n",
      "1234567890123\r\n",
    ]
  ) {
    const b = bytes(bad);
    assert.throws(() => new ChunkScanner().scan(b, 0, b.length), ChunkedSyntaxError, bad);
  }
});
