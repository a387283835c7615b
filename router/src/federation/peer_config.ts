/**
 * Which peer routers this router federates, and with what credential: `--peer NAME=URL` on
 * the command line and `"peers": [{"name", "url", "token" | "token_file"}]` in
 * manual_sources.json. A peer's name becomes the first segment of its services' names
 * (`<peer>/<service>`) and of their proxy paths (`/<peer>/<service>/<socket>/…`), so it follows
 * the rules of service names and may not be a name the router reserves. The token is the
 * peer's own (read-only or admin) token, pinned: given inline, in `token_file`, or by default in
 * `<manual_sources dir>/peers/<NAME>.token`.
 */
import { dirname, join } from "node:path";
import { serviceNameProblem } from "@hero/sdk";

/** One peer router. */
export interface PeerConfig {
  name: string;
  /** Base URL of the peer's TCP listener, without a trailing slash. */
  url: string;
  /** The bearer token presented to the peer. */
  token: string;
}

/** A peer as written, before its token is read. */
export interface PeerSpec {
  name: string;
  url: string;
  token?: string;
  tokenFile?: string;
}

/** Parses `NAME=URL` (the `--peer` flag). */
export function parsePeerFlag(text: string): PeerSpec | string {
  const eq = text.indexOf("=");
  if (eq < 1) {
    return `--peer "${text}": expected NAME=URL, e.g. --peer hostb=http://10.0.0.2:9988`;
  }
  return checkSpec({ name: text.slice(0, eq), url: text.slice(eq + 1) }, `--peer "${text}"`);
}

/** The `peers` of a manual_sources.json document (absent: none), with one problem per bad entry. */
export function parsePeerEntries(doc: unknown): { peers: PeerSpec[]; problems: string[] } {
  const list = Array.isArray(doc) ? undefined : (doc as { peers?: unknown } | null)?.peers;
  if (list === undefined) return { peers: [], problems: [] };
  if (!Array.isArray(list)) return { peers: [], problems: ['"peers" must be an array'] };
  const peers: PeerSpec[] = [];
  const problems: string[] = [];
  list.forEach((item, i) => {
    const p = (item ?? {}) as Record<string, unknown>;
    const spec = checkSpec({
      name: String(p.name ?? ""),
      url: String(p.url ?? ""),
      ...(typeof p.token === "string" ? { token: p.token } : {}),
      ...(typeof p.token_file === "string" ? { tokenFile: p.token_file } : {}),
    }, `peer ${i}`);
    if (typeof spec === "string") problems.push(spec);
    else peers.push(spec);
  });
  return { peers, problems };
}

/** Reads each peer's token; peers without one are reported and left out. */
export async function resolvePeers(
  specs: PeerSpec[],
  manualSourcesPath: string | undefined,
): Promise<{ peers: PeerConfig[]; problems: string[] }> {
  const peers: PeerConfig[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.name)) {
      problems.push(`peer "${s.name}" is listed twice; the first one is used`);
      continue;
    }
    seen.add(s.name);
    let token = s.token;
    const file = s.tokenFile ??
      (manualSourcesPath
        ? join(dirname(manualSourcesPath), "peers", `${s.name}.token`)
        : undefined);
    if (token === undefined && file) {
      try {
        token = (await Deno.readTextFile(file)).trim();
      } catch (err) {
        problems.push(
          `peer "${s.name}" has no token: cannot read ${file} (${(err as Error).message})`,
        );
        continue;
      }
    }
    if (!token) {
      problems.push(`peer "${s.name}" has no token (give "token" or "token_file")`);
      continue;
    }
    peers.push({ name: s.name, url: s.url, token });
  }
  return { peers, problems };
}

/** Reads the `peers` of manual_sources.json (a missing file has none). */
export async function loadPeerEntries(
  path: string,
): Promise<{ peers: PeerSpec[]; problems: string[] }> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { peers: [], problems: [] };
    return { peers: [], problems: [`cannot read ${path}: ${(err as Error).message}`] };
  }
  try {
    return parsePeerEntries(JSON.parse(text));
  } catch {
    return { peers: [], problems: [] }; // manual_sources.ts reports the JSON error
  }
}

function checkSpec(s: PeerSpec, where: string): PeerSpec | string {
  const nameProblem = serviceNameProblem(s.name);
  if (nameProblem) return `${where}: "${s.name}" cannot name a peer (${nameProblem})`;
  let url: URL;
  try {
    url = new URL(s.url);
  } catch {
    return `${where} ("${s.name}"): "${s.url}" is not a URL`;
  }
  if (!/^https?:$/.test(url.protocol)) {
    return `${where} ("${s.name}"): the URL must be http:// or https://`;
  }
  return { ...s, url: url.origin + url.pathname.replace(/\/+$/, "") };
}
