/**
 * Finds sockets under the socket root: one directory per service, the sockets inside it
 * classified by file name. Symlinks are never followed (neither directories nor sockets), and
 * directories whose name is not a valid, unreserved service name are skipped, so nothing the
 * proxy later connects to can lie outside `<root>/<service>/`.
 */
import { serviceNameProblem } from "@hero/sdk";
import { classifySocket } from "@hero/sdk/internal";
import type { SocketEntry } from "./service_entry.ts";

/** The sockets found in one service directory. */
export interface FoundService {
  name: string;
  dir: string;
  sockets: SocketEntry[];
}

/** Why a directory under the root was skipped. */
export interface SkippedEntry {
  name: string;
  reason: string;
}

/** Lists every service directory under `root` with its sockets. */
export async function walkSocketRoot(
  root: string,
): Promise<{ services: FoundService[]; skipped: SkippedEntry[] }> {
  const services: FoundService[] = [];
  const skipped: SkippedEntry[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(root));
  } catch {
    return { services, skipped };
  }
  const dirs = entries.filter((e) => e.isDirectory && !e.isSymlink);
  const found = await Promise.all(dirs.map(async (e) => {
    const problem = serviceNameProblem(e.name);
    if (problem) {
      skipped.push({ name: e.name, reason: problem });
      return undefined;
    }
    return await readServiceDir(root, e.name);
  }));
  for (const f of found) if (f && f.sockets.length > 0) services.push(f);
  services.sort((a, b) => (a.name < b.name ? -1 : 1));
  return { services, skipped };
}

/**
 * Reads one service directory; undefined if it does not exist, is a symlink, or has an invalid
 * name.
 */
export async function readServiceDir(
  root: string,
  name: string,
): Promise<FoundService | undefined> {
  if (serviceNameProblem(name)) return undefined;
  const dir = `${root}/${name}`;
  try {
    const info = await Deno.lstat(dir);
    if (!info.isDirectory || info.isSymlink) return undefined;
  } catch {
    return undefined;
  }
  const sockets: SocketEntry[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      // A socket is neither file, directory nor symlink in the directory entry type.
      if (e.isFile || e.isDirectory || e.isSymlink || !e.name.endsWith(".sock")) continue;
      const kind = classifySocket(e.name);
      if (kind === "other") continue;
      sockets.push({ name: e.name.slice(0, -5), kind, path: `${dir}/${e.name}` });
    }
  } catch {
    return undefined;
  }
  sockets.sort((a, b) => socketOrder(a.name) - socketOrder(b.name) || (a.name < b.name ? -1 : 1));
  return { name, dir, sockets };
}

const FIXED_ORDER = ["rpc", "admin", "rest", "openapi"];

function socketOrder(name: string): number {
  const i = FIXED_ORDER.indexOf(name);
  return i < 0 ? FIXED_ORDER.length : i;
}
