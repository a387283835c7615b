/**
 * `manual_sources.json`: services that are not Unix sockets (a host and port elsewhere) but
 * should still appear in the cache. Format: `[{"name": "x", "url": "http://host:port",
 * "title"?: "...", "description"?: "..."}]` or `{"sources": [...]}`. Bad entries are reported
 * and skipped; the rest are used.
 */
import { serviceNameProblem } from "@hero/sdk";

/** One pinned service. */
export interface ManualSource {
  name: string;
  url: string;
  title?: string;
  description?: string;
}

/** Parses the file text into usable sources and problems (one sentence per bad entry). */
export function parseManualSources(text: string): { sources: ManualSource[]; problems: string[] } {
  const problems: string[] = [];
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { sources: [], problems: [`not valid JSON: ${(err as Error).message}`] };
  }
  const list = Array.isArray(doc) ? doc : (doc as { sources?: unknown })?.sources;
  if (!Array.isArray(list)) {
    return { sources: [], problems: ['expected an array or {"sources": [...]}'] };
  }
  const sources: ManualSource[] = [];
  const seen = new Set<string>();
  list.forEach((item, i) => {
    const s = item as Partial<ManualSource>;
    const nameProblem = serviceNameProblem(s?.name);
    let url: URL | undefined;
    try {
      url = typeof s?.url === "string" ? new URL(s.url) : undefined;
    } catch { /* reported below */ }
    if (nameProblem) problems.push(`entry ${i}: ${nameProblem}`);
    else if (!url || !/^https?:$/.test(url.protocol)) {
      problems.push(`entry ${i} ("${s.name}"): "url" must be an http:// or https:// URL`);
    } else if (seen.has(s.name!)) problems.push(`entry ${i}: "${s.name}" is listed twice`);
    else {
      seen.add(s.name!);
      sources.push({
        name: s.name!,
        url: url.href.replace(/\/$/, ""),
        ...(typeof s.title === "string" ? { title: s.title } : {}),
        ...(typeof s.description === "string" ? { description: s.description } : {}),
      });
    }
  });
  return { sources, problems };
}

/** Reads and parses the file; a missing file means no manual sources. */
export async function loadManualSources(
  path: string,
): Promise<{ sources: ManualSource[]; problems: string[] }> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { sources: [], problems: [] };
    return { sources: [], problems: [`cannot read ${path}: ${(err as Error).message}`] };
  }
  return parseManualSources(text);
}
