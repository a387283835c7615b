/**
 * Planning a load of the TOML directory against the services already known: which file
 * services are added, changed or gone, and which files are bad. Each file stands on its own: a
 * file that does not parse, does not validate, clashes with an RPC service, or depends on
 * something missing (or on a bad file) is reported and left out, and the others load. A service
 * whose file turned bad keeps its last good definition (and keeps running) until the file is
 * fixed, as a web server keeps its old configuration when a reload fails.
 */
import { isHeroError } from "@hero/sdk";
import { validateGraph } from "../model/graph.ts";
import type { ServiceSource, ServiceSpec } from "../model/spec.ts";
import { type FileError, loadServiceDir } from "./toml_loader.ts";

export type { FileError } from "./toml_loader.ts";

/** A known service and where it came from. */
export interface KnownService {
  spec: ServiceSpec;
  source: ServiceSource;
}

/** What a load changes. */
export interface FilePlan {
  files: ServiceSpec[];
  added: string[];
  updated: string[];
  removed: string[];
  /** Files left out, each with its reason. */
  errors: FileError[];
}

/** Reads `dir` and compares it with `known`; bad files are reported in `errors`, not thrown. */
export function planFileServices(dir: string, known: Map<string, KnownService>): FilePlan {
  const loaded = loadServiceDir(dir);
  const errors = [...loaded.errors];
  const fileOf = loaded.files;
  const fixed = [...known.values()].filter((e) => e.source !== "file").map((e) => e.spec);
  let candidates = loaded.services.filter((spec) => {
    if (!known.has(spec.name) || known.get(spec.name)!.source === "file") return true;
    errors.push({
      file: fileOf.get(spec.name)!,
      name: spec.name,
      error: `Service "${spec.name}" is defined both in ${dir} and over RPC; remove one of them`,
    });
    return false;
  });
  const kept = () => {
    const bad = new Set(errors.map((e) => e.name));
    return [...known.values()]
      .filter((e) => e.source === "file" && bad.has(e.spec.name))
      .map((e) => e.spec);
  };
  // Leave out the files the dependency check blames, one at a time, until the rest is sound.
  for (;;) {
    try {
      validateGraph([...fixed, ...kept(), ...candidates]);
      break;
    } catch (err) {
      if (!isHeroError(err)) throw err;
      const blamed = blame(err.message, candidates);
      if (!blamed.length) throw err;
      for (const spec of blamed) {
        const file = fileOf.get(spec.name)!;
        errors.push({ file, name: spec.name, error: `${file}: ${err.message}` });
      }
      candidates = candidates.filter((s) => !blamed.includes(s));
    }
  }
  const keptNames = new Set(kept().map((s) => s.name));
  const plan: FilePlan = { files: candidates, added: [], updated: [], removed: [], errors };
  const next = new Set(candidates.map((s) => s.name));
  for (const [name, e] of known) {
    if (e.source === "file" && !next.has(name) && !keptNames.has(name)) plan.removed.push(name);
  }
  for (const spec of candidates) {
    const old = known.get(spec.name);
    if (!old) plan.added.push(spec.name);
    else if (JSON.stringify(old.spec) !== JSON.stringify(spec)) plan.updated.push(spec.name);
  }
  return plan;
}

/** The candidate services a graph error names (`Invalid service "x"`, or the members of a cycle). */
function blame(message: string, candidates: ServiceSpec[]): ServiceSpec[] {
  const named = new Set<string>();
  const invalid = /^Invalid service "([^"]+)"/.exec(message);
  if (invalid) named.add(invalid[1]);
  const cycle = /^Dependency cycle: (.*)$/.exec(message);
  if (cycle) { for (const key of cycle[1].split(" -> ")) named.add(key.split(".")[0]); }
  return candidates.filter((s) => named.has(s.name));
}
