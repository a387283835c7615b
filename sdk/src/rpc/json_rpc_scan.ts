/**
 * A linear pre-scan of a JSON-RPC body, before `JSON.parse` builds it: rejects nesting deeper
 * than a limit (deep nesting is a cheap way to make a server burn stack and memory) and a
 * request object that names a member twice (`{"method":"a","method":"b"}`). Parsers disagree on
 * duplicates (first wins, last wins), so a proxy that authorizes one method and a service that
 * runs another must never read the same body; rejecting duplicates makes every reader agree.
 */
import { stringEnd } from "./json_depth.ts";

/** What the scan found wrong with a body. */
export type JsonRpcScanProblem =
  | { kind: "too_deep"; limit: number }
  | { kind: "duplicate_member"; member: string };

/**
 * Scans JSON-RPC text: the request object(s) — the top-level object, or each object directly
 * inside a top-level batch array — may not repeat a member name (compared after unescaping),
 * and nothing may nest deeper than `maxDepth`. Malformed text is left to `JSON.parse`.
 */
export function scanJsonRpcText(text: string, maxDepth: number): JsonRpcScanProblem | undefined {
  let depth = 0;
  let batch = false;
  // Members of the request object being read (only objects at the request level track them).
  let members: Set<string> | undefined;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const start = i;
      i = stringEnd(text, i);
      if (i < 0) return undefined; // unterminated: JSON.parse reports it
      if (members && expectKey && depth === (batch ? 2 : 1)) {
        expectKey = false;
        const name = memberName(text.slice(start + 1, i));
        if (name === undefined) return undefined;
        if (members.has(name)) return { kind: "duplicate_member", member: name };
        members.add(name);
      }
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > maxDepth) return { kind: "too_deep", limit: maxDepth };
      if (depth === 1) batch = c === 91;
      if (c === 123 && depth === (batch ? 2 : 1)) {
        members = new Set();
        expectKey = true;
      }
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      if (depth === (batch ? 2 : 1)) members = undefined;
      depth--;
    } else if (c === 44 /* , */ && members && depth === (batch ? 2 : 1)) expectKey = true;
  }
  return undefined;
}

/** The member name a raw string token stands for; undefined when it is not valid JSON. */
function memberName(raw: string): string | undefined {
  if (!raw.includes("\\")) return raw;
  try {
    return JSON.parse(`"${raw}"`);
  } catch {
    return undefined;
  }
}
