/**
 * A slash command's params template: JSON whose strings may hold placeholders — `{text}` (all
 * the arguments), `{1}`…`{9}` (one argument; "quoted words" count as one), `{user}`,
 * `{username}`, `{channel}`, `{channel_name}`, `{thread}`, `{workspace}`. A string that is one
 * placeholder takes that value typed as the method's param schema wants (integer, number,
 * boolean, or JSON for objects and arrays); an empty one leaves its param out.
 */
import { collabError } from "../errors.ts";

/** The values a command runs with. */
export interface CommandContext {
  text: string;
  user: string;
  username: string;
  channel: string;
  channel_name: string;
  thread: string;
  workspace: string;
}

const PLACEHOLDER = /\{([a-z_]+|[1-9])\}/g;
const NAMES = new Set([
  "text",
  "user",
  "username",
  "channel",
  "channel_name",
  "thread",
  "workspace",
]);

/** The arguments of a command line, quotes grouping words. */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** Every placeholder a template uses; INVALID_PARAMS for unknown ones. */
export function placeholders(template: unknown): Set<string> {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === "string") {
      for (const m of v.matchAll(/\{([^{}]*)\}/g)) {
        const name = m[1];
        if (!NAMES.has(name) && !/^[1-9]$/.test(name)) {
          throw collabError(
            "INVALID_PARAMS",
            `Unknown placeholder {${name}}: use {text}, {1}…{9}, {user}, {username}, {channel}, {channel_name}, {thread} or {workspace}`,
          );
        }
        found.add(name);
      }
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(template);
  return found;
}

/**
 * The params for one run: placeholders filled, top-level whole placeholders typed from
 * `schemas` (param name → JSON schema) and left out when empty.
 */
export function fillTemplate(
  template: Record<string, unknown>,
  ctx: CommandContext,
  schemas: Record<string, Record<string, unknown> | undefined>,
): Record<string, unknown> {
  const args = splitArgs(ctx.text);
  const value = (name: string): string =>
    /^[1-9]$/.test(name) ? args[Number(name) - 1] ?? "" : String(ctx[name as keyof CommandContext]);
  const fill = (v: unknown): unknown => {
    if (typeof v === "string") return v.replace(PLACEHOLDER, (_m, name: string) => value(name));
    if (Array.isArray(v)) return v.map(fill);
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    }
    return v;
  };
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(template)) {
    const whole = typeof v === "string" ? /^\{([a-z_]+|[1-9])\}$/.exec(v) : null;
    if (!whole) {
      out[key] = fill(v);
      continue;
    }
    const raw = value(whole[1]);
    if (raw === "") continue;
    out[key] = typed(key, raw, schemas[key]);
  }
  return out;
}

function typed(key: string, raw: string, schema: Record<string, unknown> | undefined): unknown {
  const type = schema?.type;
  const bad = (what: string) =>
    collabError("INVALID_PARAMS", `"${raw}" is not ${what} (for ${key})`, { param: key });
  if (type === "integer" || type === "number") {
    const n = Number(raw);
    if (!Number.isFinite(n) || (type === "integer" && !Number.isInteger(n))) {
      throw bad(type === "integer" ? "a whole number" : "a number");
    }
    return n;
  }
  if (type === "boolean") {
    if (/^(true|yes|on|1)$/i.test(raw)) return true;
    if (/^(false|no|off|0)$/i.test(raw)) return false;
    throw bad("yes or no");
  }
  if (type === "object" || type === "array") {
    try {
      return JSON.parse(raw);
    } catch {
      throw bad("JSON");
    }
  }
  return raw;
}
