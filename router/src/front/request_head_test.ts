/** Tests of the TCP front's strict request-head parser: what it takes, and what it refuses. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { findHeadEnd, type HeadError, parseRequestHead, RequestHead } from "./request_head.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

function parse(text: string): RequestHead | HeadError {
  const b = bytes(text);
  const end = findHeadEnd(b, 0, b.length);
  assert.ok(end > 0, "a whole head");
  return parseRequestHead(b, 0, end);
}

function ok(text: string): RequestHead {
  const head = parse(text);
  assert.ok(head instanceof RequestHead, JSON.stringify(head));
  return head;
}

function refused(text: string): number {
  const head = parse(text);
  assert.ok(!(head instanceof RequestHead), `${JSON.stringify(text)} must be refused`);
  return head.status;
}

test("a head: method, target, lower-case names, trimmed values, line offsets", () => {
  const text = "GET /a/b?x=1 HTTP/1.1\r\nHost: h:1\r\nX-Thing:  two words \t\r\n\r\nBODY";
  const head = ok(text);
  assert.equal(head.method, "GET");
  assert.equal(head.target, "/a/b?x=1");
  assert.equal(head.version, "1.1");
  assert.deepEqual(head.names, ["host", "x-thing"]);
  assert.deepEqual(head.values, ["h:1", "two words"]);
  assert.equal(text.slice(head.lineStarts[1], head.lineEnds[1]), "X-Thing:  two words \t");
  assert.equal(head.length, text.indexOf("BODY"));
  assert.equal(head.get("host"), "h:1");
  assert.equal(head.headers.get("x-thing"), "two words");
  assert.equal(head.url, "http://h:1/a/b?x=1");
  assert.deepEqual(head.body, { kind: "none" });
  assert.equal(head.close, false);
  // Common names (kept as constants) and others alike, in any case.
  assert.deepEqual(
    ok("GET / HTTP/1.1\r\nHOST: a\r\nauthorizatioN: b\r\nX-Hero-CSRF: 1\r\nHosts: c\r\n\r\n").names,
    ["host", "authorization", "x-hero-csrf", "hosts"],
  );
});

test("framing, Connection, Upgrade, Expect, HTTP/1.0", () => {
  assert.deepEqual(ok("POST / HTTP/1.1\r\nContent-Length: 12\r\n\r\n").body, {
    kind: "length",
    length: 12,
  });
  assert.deepEqual(ok("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n").body, {
    kind: "chunked",
  });
  const up = ok("GET / HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\nUpgrade: WebSocket\r\n\r\n");
  assert.equal(up.upgrade, "websocket");
  assert.deepEqual(up.connectionTokens, ["keep-alive", "upgrade"]);
  assert.equal(ok("GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n").upgrade, undefined);
  assert.equal(ok("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").close, true);
  assert.equal(ok("GET / HTTP/1.0\r\n\r\n").close, true);
  assert.equal(ok("OPTIONS * HTTP/1.1\r\n\r\n").target, "*");
  assert.equal(ok("GET http://h/x HTTP/1.1\r\n\r\n").target, "http://h/x");
  assert.equal(ok("PUT / HTTP/1.1\r\nExpect: 100-Continue\r\n\r\n").expectContinue, true);
  // Bytes beyond ASCII in a value are kept one character per byte (offsets stay byte offsets).
  const b = new Uint8Array([
    ...bytes("GET / HTTP/1.1\r\nX-A: "),
    0xc3,
    0xe9,
    ...bytes("!\r\n\r\n"),
  ]);
  const head = parseRequestHead(b, 0, b.length) as RequestHead;
  assert.equal(head.values[0].length, 3);
  assert.equal(head.lineEnds[0], b.length - 4);
});

test("ambiguous or unsupported heads are refused with the right status", () => {
  const cases: [string, number][] = [
    ["GET / HTTP/1.1\r\nA: 1\nB: 2\r\n\r\n", 400], // bare LF
    ["GET / HTTP/1.1\r\nA: 1\rB: 2\r\n\r\n", 400], // bare CR
    ["GET / HTTP/1.1\r\nA: 1\r\n folded\r\n\r\n", 400], // obs-fold
    ["GET / HTTP/1.1\r\nA : 1\r\n\r\n", 400], // space before the colon
    ["GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400],
    ["GET / HTTP/1.1\r\nA: x\0y\r\n\r\n", 400],
    ["POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n", 400],
    ["POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400],
    ["POST / HTTP/1.1\r\nContent-Length: 1, 2\r\n\r\n", 400],
    ["POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400],
    ["POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400],
    ["POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501],
    ["POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400],
    ["GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400],
    ["GET / HTTP/1.1\r\nExpect: something\r\n\r\n", 417],
    ["PRI * HTTP/2.0\r\n\r\n", 505],
    ["GET / HTTX/1.1\r\n\r\n", 400],
    ["GET  / HTTP/1.1\r\n\r\n", 400],
    ["GET /a b HTTP/1.1\r\n\r\n", 400],
    ["G(T / HTTP/1.1\r\n\r\n", 400],
    ["GET abc/def HTTP/1.1\r\n\r\n", 400],
  ];
  for (const [text, status] of cases) assert.equal(refused(text), status, JSON.stringify(text));
  let many = "GET / HTTP/1.1\r\n";
  for (let i = 0; i < 101; i++) many += `x-${i}: 1\r\n`;
  assert.equal(refused(many + "\r\n"), 431);
});

test("findHeadEnd finds what a byte-by-byte search finds", () => {
  const naive = (b: Uint8Array, from: number, to: number) => {
    for (let i = from + 3; i < to; i++) {
      if (b[i] === 10 && b[i - 1] === 13 && b[i - 2] === 10 && b[i - 3] === 13) return i + 1;
    }
    return -1;
  };
  const alphabet = [13, 10, 13, 10, 65, 32];
  for (let k = 0; k < 20_000; k++) {
    const b = new Uint8Array(4 + (k % 40));
    for (let i = 0; i < b.length; i++) b[i] = alphabet[Math.floor(Math.random() * 6)];
    const from = k % 3;
    const to = b.length - (k % 2);
    assert.equal(findHeadEnd(b, from, to), naive(b, from, to), String(b));
  }
});

test("findHeadEnd finds the first blank line within the range only", () => {
  const b = bytes("GET / HTTP/1.1\r\nA: 1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n");
  assert.equal(findHeadEnd(b, 0, b.length), 24);
  assert.equal(findHeadEnd(b, 24, b.length), b.length);
  assert.equal(findHeadEnd(b, 0, 23), -1);
});
