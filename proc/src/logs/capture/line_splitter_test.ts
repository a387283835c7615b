/** The line splitter alone: chunk boundaries, CRLF, long lines, invalid UTF-8, block mode. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { blockLines, cutLines, LineSplitter } from "./line_splitter.ts";

test("LineSplitter: lines across chunks, CRLF, long lines cut, invalid UTF-8 replaced, tail on end", () => {
  const out: string[] = [];
  const s = new LineSplitter((l) => out.push(l), { maxLineBytes: 8 });
  const enc = new TextEncoder();
  s.push(enc.encode("ab"));
  s.push(enc.encode("c\r\nde"));
  s.push(enc.encode("f\n0123456789abcdefXY\n"));
  s.push(new Uint8Array([0xff, 0xfe, 0x41, 10]));
  s.push(enc.encode("tail"));
  s.end();
  assert.deepEqual(out, ["abc", "def", "01234567", "89abcdef", "XY", "\ufffd\ufffdA", "tail"]);
});

test("LineSplitter: block mode gives exactly the per-line result, whatever the chunking", () => {
  const enc = new TextEncoder();
  const parts = [
    enc.encode("plain\r\n\ufeffbom\n\n"),
    new Uint8Array([0xe2, 0x82, 10, 0xff, 0x41, 10]),
    enc.encode("x".repeat(40) + "\nshort\nno-newline-tail"),
  ];
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (all.set(p, o), (o += p.length));
  const perLine: string[] = [];
  const a = new LineSplitter((l) => perLine.push(l), { maxLineBytes: 16 });
  a.push(all);
  a.end();
  assert.equal(perLine.length, 10);
  assert.equal(perLine[1], "\ufeffbom", "a BOM is data");
  for (const size of [1, 2, 3, 5, 7, 16, 64, all.length]) {
    const out: string[] = [];
    let blocks = 0;
    const b = new LineSplitter((l) => out.push(l), {
      maxLineBytes: 16,
      onBlock: (bytes, n) => {
        const lines = blockLines(bytes);
        assert.equal(lines.length, n, "the block's line count");
        blocks++;
        out.push(...lines);
      },
    });
    for (let i = 0; i < all.length; i += size) b.push(all.subarray(i, i + size));
    b.end();
    assert.deepEqual(out, perLine, `chunks of ${size}`);
    if (size >= 16) assert.ok(blocks > 0, "runs of lines travel as blocks");
  }
});

test("cutLines keeps the first N lines of a block", () => {
  const enc = new TextEncoder();
  const block = enc.encode("a\nbb\nccc\n");
  assert.deepEqual(blockLines(cutLines(block, 2)), ["a", "bb"]);
  assert.deepEqual(blockLines(cutLines(block, 3)), ["a", "bb", "ccc"]);
});
