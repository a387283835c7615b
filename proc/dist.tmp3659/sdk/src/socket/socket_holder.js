/**
 * Names the process that holds a Unix socket, so that "socket in use" errors can say who owns it.
 * Linux only (via /proc); elsewhere it answers undefined and the error simply omits the name.
 */
                                                   

                                                                         

/** Describes the process listening on `socketPath`, e.g. `pid 4242 (node)`, if it can be found. */
export async function describeSocketHolder(
  socketPath        ,
  fs            ,
)                              {
  const table = await fs.readTextFile("/proc/net/unix");
  if (!table) return undefined;
  const inodes = new Set        ();
  for (const line of table.split("\n").slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length >= 8 && cols[7] === socketPath) inodes.add(cols[6]);
  }
  if (inodes.size === 0) return undefined;
  for (const pid of await fs.readDir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    for (const fd of await fs.readDir(`/proc/${pid}/fd`)) {
      const target = await fs.readLink(`/proc/${pid}/fd/${fd}`);
      const match = target?.match(/^socket:\[(\d+)\]$/);
      if (match && inodes.has(match[1])) {
        const comm = (await fs.readTextFile(`/proc/${pid}/comm`))?.trim();
        return comm ? `pid ${pid} (${comm})` : `pid ${pid}`;
      }
    }
  }
  return undefined;
}
