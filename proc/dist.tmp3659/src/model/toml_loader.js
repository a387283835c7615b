/**
 * Declarative services: every `*.toml` in the config directory defines one service (the file
 * stem is the default name). A file that does not parse or validate is reported by name and
 * the whole load fails, so a reload never half-applies a broken configuration.
 */
import fs from "node:fs";
import path from "node:path";
import { HeroError } from "../../sdk/mod.js";
import { parse } from "smol-toml";
                                             
import { validateService } from "./validate_service.js";

/** Loads and validates every `*.toml` in `dir` (a missing directory yields no services). */
export function loadServiceDir(dir        )                {
  let files          ;
  try {
    files = fs.readdirSync(dir).filter((f) => f.endsWith(".toml")).sort();
  } catch {
    return [];
  }
  const out                = [];
  for (const file of files) {
    const full = path.join(dir, file);
    let table         ;
    try {
      table = parse(fs.readFileSync(full, "utf8"));
    } catch (err) {
      throw new HeroError("VALIDATION_FAILED", `Cannot read ${full}: ${(err         ).message}`);
    }
    try {
      out.push(validateService(table, path.basename(file, ".toml")));
    } catch (err) {
      throw new HeroError("VALIDATION_FAILED", `${full}: ${(err         ).message}`);
    }
  }
  const seen = new Set        ();
  for (const s of out) {
    if (seen.has(s.name)) {
      throw new HeroError(
        "VALIDATION_FAILED",
        `Service "${s.name}" is defined in two files in ${dir}`,
      );
    }
    seen.add(s.name);
  }
  return out;
}
