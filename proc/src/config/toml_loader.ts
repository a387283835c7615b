/**
 * Declarative services: every `*.toml` in the config directory (and one level of its
 * subdirectories) defines one service (the file stem is the default name). A file that does not
 * parse or validate is reported with its path (and line and column for syntax errors) and left
 * out; the good files load.
 */
import fs from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import type { ServiceSpec } from "../model/spec.ts";
import { validateService } from "../model/validate_service.ts";

/** A file of the directory that could not be loaded, and why (with line and column if known). */
export interface FileError {
  /** Full path of the file. */
  file: string;
  /** The service it defines (its `name`, else the file stem). */
  name: string;
  /** One sentence starting with the file (and `:line:column` for syntax errors). */
  error: string;
}

/**
 * The `*.toml` files of `dir` as relative paths, sorted, and those of its subdirectories one
 * level down (`conf.d` style: a container mounts its users' services as one of them beside the
 * image's own). Throws when `dir` itself cannot be read.
 */
function tomlFiles(dir: string, depth = 1): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    // A symbolic link counts as what it points to (a mounted or linked directory).
    const isDir = e.isDirectory() || (e.isSymbolicLink() && isDirectory(full));
    if (isDir && depth > 0 && !e.name.startsWith(".")) {
      let inner: string[] = [];
      try {
        inner = tomlFiles(full, depth - 1);
      } catch {
        // An unreadable subdirectory holds no services.
      }
      out.push(...inner.map((f) => path.join(e.name, f)));
    } else if (!isDir && e.name.endsWith(".toml")) out.push(e.name);
  }
  return out.sort();
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The good definitions of a directory and its bad files. */
export interface LoadedDir {
  services: ServiceSpec[];
  errors: FileError[];
  /** The file of each loaded service, by name. */
  files: Map<string, string>;
}

/**
 * Loads and validates every `*.toml` in `dir` (a missing directory yields no services). Each file
 * loads or fails on its own: one bad file never keeps the others out.
 */
export function loadServiceDir(dir: string): LoadedDir {
  let files: string[];
  try {
    files = tomlFiles(dir);
  } catch {
    return { services: [], errors: [], files: new Map() };
  }
  const services: ServiceSpec[] = [];
  const errors: FileError[] = [];
  const byName = new Map<string, string>();
  for (const file of files) {
    const full = path.join(dir, file);
    const stem = path.basename(file, ".toml");
    let table: unknown;
    try {
      table = parse(fs.readFileSync(full, "utf8"));
    } catch (err) {
      const e = err as Error & { line?: number; column?: number };
      const where = e.line ? `:${e.line}:${e.column ?? 1}` : "";
      const why = e.message.split("\n")[0].replace(/^Invalid TOML document: /, "");
      errors.push({ file: full, name: stem, error: `${full}${where}: invalid TOML: ${why}` });
      continue;
    }
    let spec: ServiceSpec;
    try {
      spec = validateService(table, stem);
    } catch (err) {
      const named = (table as { name?: unknown }).name;
      const name = typeof named === "string" ? named : stem;
      errors.push({ file: full, name, error: `${full}: ${(err as Error).message}` });
      continue;
    }
    const other = byName.get(spec.name);
    if (other) {
      errors.push({
        file: full,
        name: spec.name,
        error: `${full}: service "${spec.name}" is already defined in ${other}`,
      });
      continue;
    }
    byName.set(spec.name, full);
    services.push(spec);
  }
  return { services, errors, files: byName };
}
