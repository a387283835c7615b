/**
 * Planning a load of the TOML directory against the services already known: which file
 * services are added, changed or gone. The whole resulting set is validated (names clashing
 * with RPC services, unknown dependencies, cycles) before anything is applied.
 */
import { HeroError } from "../../sdk/mod.js";
import { validateGraph } from "./graph.js";
                                                            
import { loadServiceDir } from "./toml_loader.js";

/** A known service and where it came from. */
                               
                    
                        
 

/** What a load changes. */
                           
                       
                  
                    
                    
 

/** Reads `dir` and compares it with `known`; throws VALIDATION_FAILED and changes nothing. */
export function planFileServices(dir        , known                           )           {
  const files = loadServiceDir(dir);
  const next = new Map([...known].filter(([, e]) => e.source !== "file"));
  for (const spec of files) {
    if (next.has(spec.name)) {
      throw new HeroError(
        "VALIDATION_FAILED",
        `Service "${spec.name}" is defined both in ${dir} and over RPC; remove one of them`,
      );
    }
    next.set(spec.name, { spec, source: "file" });
  }
  validateGraph([...next.values()].map((e) => e.spec));
  const plan           = { files, added: [], updated: [], removed: [] };
  for (const [name, e] of known) {
    if (e.source === "file" && !next.has(name)) plan.removed.push(name);
  }
  for (const spec of files) {
    const old = known.get(spec.name);
    if (!old) plan.added.push(spec.name);
    else if (JSON.stringify(old.spec) !== JSON.stringify(spec)) plan.updated.push(spec.name);
  }
  return plan;
}
