/**
 * Declarative services: every `*.toml` in the config directory, and in its subdirectories one
 * level down (`conf.d` style: a container mounts its users' services as one of them beside the
 * image's own), defines one service (the file stem is the default name). A file that does not
 * parse or validate is reported by name and the whole load fails, so a reload never
 * half-applies a broken configuration.
 */
import fs from "node:fs";
import path from "node:path";
import { HeroError } from "@hero/sdk";
import { parse } from "smol-toml";
import type { ServiceSpec } from "./spec.ts";
import { validateService } from "./validate_service.ts";

/** The `*.toml` files of `dir` (relative paths, sorted); subdirectories one level down too. */
function tomlFiles(dir: string, depth = 1): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const full = path.join(dir, e.name);
    // Symbolic links count as what they point to (a mounted or linked directory).
    const isDir = e.isDirectory() || (e.isSymbolicLink() && statDir(full));
    if (isDir && depth > 0 && !e.name.startsWith(".")) {
      out.push(...tomlFiles(full, depth - 1).map((f) => path.join(e.name, f)));
    } else if (!isDir && e.name.endsWith(".toml")) out.push(e.name);
  }
  return out.sort();
}

function statDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Loads and validates every service file of `dir` (a missing directory yields no services). */
export function loadServiceDir(dir: string): ServiceSpec[] {
  const out: ServiceSpec[] = [];
  for (const file of tomlFiles(dir)) {
    const full = path.join(dir, file);
    let table: unknown;
    try {
      table = parse(fs.readFileSync(full, "utf8"));
    } catch (err) {
      throw new HeroError("VALIDATION_FAILED", `Cannot read ${full}: ${(err as Error).message}`);
    }
    try {
      out.push(validateService(table, path.basename(file, ".toml")));
    } catch (err) {
      throw new HeroError("VALIDATION_FAILED", `${full}: ${(err as Error).message}`);
    }
  }
  const seen = new Set<string>();
  for (const s of out) {
    if (seen.has(s.name)) {
      throw new HeroError(
        "VALIDATION_FAILED",
        `Service "${s.name}" is defined in two files under ${dir}`,
      );
    }
    seen.add(s.name);
  }
  return out;
}
