/**
 * The Chromium process id (needed to measure and kill the browser; playwright-core does not expose
 * it on a launched Browser): found among this process's children on Linux (`/proc`), by its
 * DevTools pipe flag.
 */
import fs from "node:fs";
import process from "node:process";

/** Pids of this process's children that run a browser driven over a DevTools pipe. */
export function browserChildPids(): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      // Field 4 (ppid) follows the command in parentheses, which may itself hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== process.pid) continue;
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, "utf8");
      if (cmdline.includes("--remote-debugging-pipe")) out.push(Number(name));
    } catch { /* gone meanwhile */ }
  }
  return out;
}
