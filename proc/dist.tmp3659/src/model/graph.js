/**
 * The dependency graph over all services: which actions wait for which. Validating it catches
 * unknown services and actions and dependency cycles before anything is stored; the same graph
 * gives the start order and its reverse, the stop order.
 */
import { HeroError } from "../../sdk/mod.js";
import { actionKey,                  } from "./spec.js";

/** Action dependencies: `service.action` -> the `service.action`s it waits for. */
                                                

/** Builds the action graph; `after`/`requires` make every action wait for the other service. */
export function buildActionGraph(services                       )              {
  const byName = new Map                     ();
  for (const s of services) byName.set(s.name, s);
  const graph              = new Map();
  for (const s of byName.values()) {
    const serviceDeps           = [];
    for (const dep of [...s.after, ...s.requires]) {
      const other = byName.get(dep);
      for (const a of other?.actions ?? []) serviceDeps.push(actionKey(dep, a.name));
    }
    for (const a of s.actions) {
      graph.set(actionKey(s.name, a.name), [...new Set([...a.depends_on, ...serviceDeps])]);
    }
  }
  return graph;
}

/** Throws `VALIDATION_FAILED` on an unknown dependency or a cycle. */
export function validateGraph(services               )       {
  const names = new Set(services.map((s) => s.name));
  for (const s of services) {
    for (const dep of [...s.after, ...s.requires]) {
      if (!names.has(dep)) {
        fail(`Invalid service "${s.name}": depends on unknown service "${dep}"`);
      }
    }
  }
  const graph = buildActionGraph(services);
  for (const [key, deps] of graph) {
    for (const dep of deps) {
      if (!graph.has(dep)) {
        const [svc, action] = key.split(".");
        fail(
          `Invalid service "${svc}": action "${action}" depends on unknown action "${dep}"`,
        );
      }
    }
  }
  const cycle = findCycle(graph);
  if (cycle) fail(`Dependency cycle: ${cycle.join(" -> ")}`);
}

/** Returns one cycle as a list of keys (first == last), or undefined. */
export function findCycle(graph             )                       {
  const state = new Map               ();
  const stack           = [];
  const visit = (node        )                       => {
    state.set(node, 1);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const st = state.get(next);
      if (st === 1) return [...stack.slice(stack.indexOf(next)), next];
      if (st === undefined) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, 2);
    return undefined;
  };
  for (const node of graph.keys()) {
    if (!state.has(node)) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return undefined;
}

/** Services reachable through `requires` and cross-service `depends_on`, `name` included. */
export function requiredClosure(services                          , name        )           {
  const seen = new Set        ();
  const walk = (n        ) => {
    if (seen.has(n)) return;
    const s = services.get(n);
    if (!s) return;
    seen.add(n);
    for (const r of s.requires) walk(r);
    for (const a of s.actions) for (const d of a.depends_on) walk(d.split(".")[0]);
  };
  walk(name);
  return [...seen];
}

/** Services that (transitively) require `name` or depend on one of its actions. */
export function dependentClosure(services                          , name        )           {
  const out = new Set        ();
  const walk = (n        ) => {
    for (const s of services.values()) {
      if (out.has(s.name) || s.name === name) continue;
      const needs = s.requires.includes(n) ||
        s.actions.some((a) => a.depends_on.some((d) => d.startsWith(`${n}.`)));
      if (needs) {
        out.add(s.name);
        walk(s.name);
      }
    }
  };
  walk(name);
  return [...out];
}

function fail(message        )        {
  throw new HeroError("VALIDATION_FAILED", message);
}
