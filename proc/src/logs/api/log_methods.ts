/**
 * The `logs.*` methods: `logs.insert` (batches from services), `logs.query` (filters and
 * pages), `logs.tree` (prefix tree), `logs.follow` (long poll for new lines; the admin socket
 * also streams them as SSE) and `logs.stats`.
 */
import { defineMethod, HeroError, type MethodSpec } from "@hero/sdk";
import { mapErrors, ProcErrorCode } from "../../errors/proc_errors.ts";
import { LOG_LEVELS } from "@hero/sdk/levels";
import { LOG_RECORD_SCHEMA, type NewLogLine } from "../store/log_record.ts";
import type { LogStore } from "../log_store.ts";
import type { LogsQuery } from "../query/query_params.ts";
import { checkSource } from "../query/source_pattern.ts";
import { followOnce } from "./log_follow.ts";
import { logStats } from "./log_stats.ts";

/** Most lines in one `logs.insert`. */
export const MAX_INSERT_LINES = 10_000;
/** Longest accepted message (bytes of UTF-16 code units, roughly). */
export const MAX_MESSAGE = 64 * 1024;

const level = { enum: [...LOG_LEVELS] };
/** The line the method examples show. */
const SAMPLE_LINE = {
  id: 812,
  ts: 1767225600000,
  level: "error",
  source: "shop.pay",
  service: "shop",
  job_id: 42,
  message: "card declined",
};
const record = LOG_RECORD_SCHEMA;
const time = { oneOf: [{ type: "integer", minimum: 0 }, { type: "string", minLength: 1 }] };
const filterParams = [
  { name: "source", schema: { type: "string" }, summary: "Source prefix; `*` matches one segment" },
  { name: "level", schema: level, summary: "Minimum level" },
  { name: "since", schema: time, summary: "ms since epoch, ISO time, or an age (15m, 2h, 7d)" },
  { name: "until", schema: time },
  { name: "job_id", schema: { type: "integer", minimum: 0 } },
  {
    name: "text",
    schema: { type: "string", minLength: 1, maxLength: 500 },
    summary: "Full-text words (substring)",
  },
];

/** Validates a batch before anything is stored (all or nothing). */
export function checkLines(lines: NewLogLine[]): void {
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const bad = checkSource(l.source) ??
      (typeof l.message !== "string"
        ? "message must be a string"
        : l.message.length > MAX_MESSAGE
        ? `message is longer than ${MAX_MESSAGE} characters`
        : undefined);
    if (bad) {
      throw new HeroError(
        "INVALID_PARAMS",
        `Cannot insert log line ${i}: ${bad}; nothing was stored`,
      );
    }
  }
}

/** The log methods bound to a (lazily available) store. */
// deno-lint-ignore no-explicit-any
export function logMethods(store: () => LogStore): MethodSpec<any, any>[] {
  return [
    defineMethod<{ lines: NewLogLine[] }, { accepted: number; dropped: number }>({
      name: "logs.insert",
      summary:
        "Store a batch of structured log lines (all are validated first; invalid input stores nothing)",
      description:
        'The answer comes once the accepted lines are durable (in the database file; commits are grouped, within 100 ms): an acknowledged line survives a crash of hero_proc. Lines over a source\'s rate limit are dropped, counted, and reported as one "N lines dropped" line. When free disk is low the batch is refused (code -32020).',
      params: [{
        name: "lines",
        required: true,
        schema: {
          type: "array",
          maxItems: MAX_INSERT_LINES,
          items: {
            type: "object",
            required: ["source", "message"],
            properties: {
              ts: { type: "integer", minimum: 0 },
              level,
              source: { type: "string", minLength: 1, maxLength: 256 },
              service: { type: ["string", "null"] },
              job_id: { type: ["integer", "null"], minimum: 0 },
              message: { type: "string" },
              fields: { type: "object" },
            },
          },
        },
      }],
      result: {
        name: "result",
        schema: {
          type: "object",
          properties: { accepted: { type: "integer" }, dropped: { type: "integer" } },
        },
      },
      errors: [
        { code: -32602, message: "Invalid line (the message says which)" },
        {
          code: ProcErrorCode.LogsDiskLow,
          message: "Free disk is below the minimum: lines refused",
        },
      ],
      examples: [{
        name: "one line",
        params: [{
          name: "lines",
          value: [{ source: "notes.http", level: "info", message: "listening" }],
        }],
        result: { name: "result", value: { accepted: 1, dropped: 0 } },
      }],
      handler: mapErrors((p) => {
        checkLines(p.lines);
        return store().insertDurable(p.lines);
      }),
    }),
    defineMethod<LogsQuery, unknown>({
      name: "logs.query",
      summary: "Lines matching the filters, newest (or oldest) first, one page at a time",
      params: [
        ...filterParams,
        { name: "limit", schema: { type: "integer", minimum: 1, maximum: 10000, default: 100 } },
        { name: "cursor", schema: { type: "string" }, summary: "next_cursor of the previous page" },
        { name: "order", schema: { enum: ["newest", "oldest"], default: "newest" } },
      ],
      result: {
        name: "page",
        schema: {
          type: "object",
          properties: {
            lines: { type: "array", items: record },
            next_cursor: { type: ["string", "null"] },
          },
        },
      },
      annotations: { readOnlyHint: true },
      examples: [{
        name: "errors of a service in the last hour",
        params: [
          { name: "source", value: "shop" },
          { name: "level", value: "error" },
          { name: "since", value: "1h" },
        ],
        result: {
          name: "page",
          value: {
            lines: [SAMPLE_LINE],
            next_cursor: null,
          },
        },
      }],
      handler: mapErrors((p) => {
        return store().search(p);
      }),
    }),
    defineMethod<{ prefix?: string; depth?: number }, unknown>({
      name: "logs.tree",
      summary: "The source prefixes as a tree with line counts, last time and dropped counts",
      params: [
        {
          name: "prefix",
          schema: { type: "string" },
          summary: "Root of the tree (default: everything)",
        },
        { name: "depth", schema: { type: "integer", minimum: 1, maximum: 32, default: 3 } },
      ],
      result: { name: "tree", schema: { type: "object" } },
      annotations: { readOnlyHint: true },
      examples: [{
        name: "one level under shop",
        params: [{ name: "prefix", value: "shop" }, { name: "depth", value: 1 }],
        result: {
          name: "tree",
          value: {
            name: "shop",
            path: "shop",
            lines: 3,
            last_ts: 1767225600000,
            dropped: 0,
            evicted: 0,
            children: [
              {
                name: "pay",
                path: "shop.pay",
                lines: 3,
                last_ts: 1767225600000,
                dropped: 0,
                evicted: 0,
                children: [],
              },
            ],
          },
        },
      }],
      handler: mapErrors((p) => {
        return store().tree({ prefix: p.prefix, depth: p.depth });
      }),
    }),
    defineMethod<LogsQuery & { timeout_ms?: number }, unknown>({
      name: "logs.follow",
      summary: "Wait for lines stored after `after_id` that match the filters (long poll)",
      description:
        "Returns as soon as matching lines exist (oldest first) or when timeout_ms passes with none. Pass the returned last_id as after_id to continue. Without after_id, starts from now. For a push stream, GET /logs/follow on admin.sock (SSE).",
      params: [
        ...filterParams,
        { name: "after_id", schema: { type: "integer", minimum: 0 } },
        { name: "limit", schema: { type: "integer", minimum: 1, maximum: 10000, default: 1000 } },
        {
          name: "timeout_ms",
          schema: { type: "integer", minimum: 0, maximum: 60000, default: 25000 },
        },
      ],
      result: {
        name: "batch",
        schema: {
          type: "object",
          properties: { lines: { type: "array", items: record }, last_id: { type: "integer" } },
        },
      },
      annotations: { readOnlyHint: true },
      examples: [{
        name: "wait for the next error",
        params: [{ name: "level", value: "error" }, { name: "after_id", value: 811 }],
        result: {
          name: "batch",
          value: {
            lines: [SAMPLE_LINE],
            last_id: 812,
          },
        },
      }],
      handler: mapErrors((p, ctx) => followOnce(store(), p, p.timeout_ms ?? 25_000, ctx.signal)),
    }),
    defineMethod<Record<string, never>, unknown>({
      name: "logs.stats",
      summary:
        "Size, line and source counts, drops by reason, retention, rate limit and disk state",
      params: [],
      result: { name: "stats", schema: { type: "object" } },
      annotations: { readOnlyHint: true },
      examples: [{
        name: "stats",
        params: [],
        result: {
          name: "stats",
          value: {
            status: "ok",
            lines: 120000,
            sources: 14,
            used_bytes: 31457280,
            dropped: { total: 0 },
          },
        },
      }],
      handler: mapErrors(() => logStats(store())),
    }),
  ];
}
