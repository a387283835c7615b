/** Splits `--run-args "…"` like a shell would: spaces separate, quotes group, backslash escapes. */
import { HeroError } from "../errors/hero_error.ts";

/** The argv of a command line string. */
export function splitArgs(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let has = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
    } else if (c === '"' || c === "'") (quote = c), (has = true);
    else if (c === "\\" && i + 1 < line.length) (cur += line[++i]), (has = true);
    else if (/\s/.test(c)) {
      if (has || cur) out.push(cur);
      cur = "";
      has = false;
    } else cur += c;
  }
  if (quote) throw new HeroError("INVALID_ARGS", `Unclosed ${quote} in --run-args "${line}"`);
  if (has || cur) out.push(cur);
  return out;
}

/** Parses `K=V` pairs (`--env`), or a clear error naming the bad one. */
export function parseEnvPairs(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const kv of pairs) {
    const i = kv.indexOf("=");
    if (i < 1 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(kv.slice(0, i))) {
      throw new HeroError("INVALID_ARGS", `Bad --env "${kv}": use NAME=value`);
    }
    env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return env;
}
