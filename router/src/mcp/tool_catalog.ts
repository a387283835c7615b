/**
 * The tool catalog: every method of every known service as an MCP tool, unique names, stable
 * order (services by name, methods in document order). Rebuilt on every source change, but a
 * service whose document did not change keeps its already-built tools, so one service coming
 * or going among hundreds costs little. A broken method is dropped with a logged reason.
 */
import type { MethodBinding, MethodTool, ToolDefinition } from "./method_tool.ts";
import { methodTool } from "./method_tool.ts";
import { SchemaProblem } from "./schema_resolver.ts";
import { assignToolNames } from "./tool_name.ts";
import type { ServiceDoc } from "./tool_source.ts";

/** A named tool with the method it calls. */
export interface CatalogEntry {
  tool: ToolDefinition;
  binding: MethodBinding;
}

/** The tools visible at one endpoint (all services, or one). */
export interface ToolView {
  /** Tool definitions in stable order. */
  tools: ToolDefinition[];
  /** The entry of a tool name, if it is part of this view. */
  get(name: string): CatalogEntry | undefined;
}

/** Receives one line per dropped tool or noteworthy schema detail. */
export type CatalogLogger = (message: string) => void;

interface ServiceTools {
  document: unknown;
  /** The document as JSON: a re-fetched but identical document keeps its tools. */
  json: string;
  tools: MethodTool[];
}

/** Builds and caches the tools of a set of services. */
export class ToolCatalog {
  readonly #log: CatalogLogger;
  #perService = new Map<string, ServiceTools>();
  #entries: CatalogEntry[] = [];
  #byName = new Map<string, CatalogEntry>();
  #views = new Map<string, ToolView>();

  /** `log` gets the reasons tools are dropped (default: console.warn). */
  constructor(log: CatalogLogger = (m) => console.warn(m)) {
    this.#log = log;
  }

  /**
   * Rebuilds from the current service list, reusing the tools of unchanged documents. Returns
   * the names of the services whose tools changed (added, removed or new document).
   */
  update(services: ServiceDoc[]): string[] {
    const changed: string[] = [];
    const next = new Map<string, ServiceTools>();
    for (const svc of [...services].sort((a, b) => compare(a.name, b.name))) {
      const cached = this.#perService.get(svc.name);
      if (cached && cached.document === svc.document) {
        next.set(svc.name, cached);
        continue;
      }
      const json = JSON.stringify(svc.document) ?? "";
      if (cached && cached.json === json) {
        next.set(svc.name, { ...cached, document: svc.document });
        continue;
      }
      changed.push(svc.name);
      next.set(svc.name, { document: svc.document, json, tools: this.#build(svc) });
    }
    for (const name of this.#perService.keys()) if (!next.has(name)) changed.push(name);
    this.#perService = next;
    const built = [...next.values()].flatMap((s) => s.tools);
    const names = assignToolNames(built.map((t) => t.binding));
    this.#entries = built.map((t, i) => ({
      tool: { name: names[i], ...t.definition },
      binding: t.binding,
    }));
    this.#byName = new Map(this.#entries.map((e) => [e.tool.name, e]));
    this.#views = new Map();
    return changed;
  }

  /** Whether a service is currently known (it may have zero usable tools). */
  hasService(name: string): boolean {
    return this.#perService.has(name);
  }

  /** The tools of every service (`service` undefined) or of one service. */
  view(service?: string): ToolView {
    const key = service ?? "";
    let view = this.#views.get(key);
    if (!view) {
      const entries = service === undefined
        ? this.#entries
        : this.#entries.filter((e) => e.binding.service === service);
      const byName = service === undefined ? this.#byName : new Map(entries.map((e) => [
        e.tool.name,
        e,
      ]));
      view = { tools: entries.map((e) => e.tool), get: (name) => byName.get(name) };
      this.#views.set(key, view);
    }
    return view;
  }

  #build(svc: ServiceDoc): MethodTool[] {
    const doc = svc.document as { methods?: unknown } | null;
    if (!doc || typeof doc !== "object" || !Array.isArray(doc.methods)) {
      this.#log(`MCP: service "${svc.name}" has no usable OpenRPC document; it has no tools`);
      return [];
    }
    const tools: MethodTool[] = [];
    for (const [i, method] of doc.methods.entries()) {
      const label = typeof (method as { name?: unknown })?.name === "string"
        ? `"${(method as { name: string }).name}"`
        : `#${i}`;
      try {
        const tool = methodTool(svc.name, method, svc.document);
        for (const note of tool.notes) this.#log(`MCP: ${svc.name} method ${label}: ${note}`);
        tools.push(tool);
      } catch (err) {
        // Whatever is wrong with one method (even a bug it triggers here) costs only its tool.
        const why = err instanceof SchemaProblem ? err.message : `cannot be mapped (${err})`;
        this.#log(`MCP: dropped the tool for ${svc.name} method ${label}: ${why}`);
      }
    }
    return tools;
  }
}

/** Code-unit order: the same on every machine and locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
