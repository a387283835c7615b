/**
 * For `npm run test:image` on machines where podman cannot start a container as configured:
 * without CAP_SYS_RESOURCE crun cannot apply podman's default rlimits, and with a cgroup v2
 * mount beside v1 controllers ("hybrid") crun refuses to start at all. The runtime written
 * here wraps crun: it drops the rlimits and cgroup settings from the container's OCI config
 * and hides the cgroup v2 mount from crun (in a private mount namespace). Only a test harness
 * needs this; the image itself is unchanged.
 */
import fs from "node:fs";
import path from "node:path";
import process from "node:process";

const WRAPPER = `#!/usr/bin/env python3
# crun for restricted machines (written by scripts/image_runtime.ts): no rlimits, no cgroups.
import json, os, sys
args = sys.argv[1:]
def edit(path, fn):
    with open(path) as f:
        c = json.load(f)
    fn(c)
    with open(path, "w") as f:
        json.dump(c, f)
def bundle(c):
    c.get("process", {}).pop("rlimits", None)
    c.get("linux", {}).pop("resources", None)
    c.get("linux", {}).pop("cgroupsPath", None)
if "--bundle" in args:
    edit(os.path.join(args[args.index("--bundle") + 1], "config.json"), bundle)
if "--process" in args:
    edit(args[args.index("--process") + 1], lambda c: c.pop("rlimits", None))
os.execv("/usr/bin/unshare", ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
    'mount -t tmpfs none /sys/fs/cgroup/unified 2>/dev/null; exec CRUN "$@"', "crun"] + args)
`;

/** The real crun on PATH. */
function findCrun(): string {
  for (const dir of (process.env.PATH ?? "/usr/bin").split(":")) {
    const f = path.join(dir, "crun");
    if (fs.existsSync(f) && !f.includes("/runtime/")) return f;
  }
  return "/usr/bin/crun";
}

/** Why crun will refuse this machine before trying (saves a container copy), or undefined. */
export function knownRefusal(): string | undefined {
  try {
    const cap = /^CapEff:\s*([0-9a-f]+)$/m.exec(fs.readFileSync("/proc/self/status", "utf8"))?.[1];
    // Bit 24: CAP_SYS_RESOURCE, needed for podman's default rlimits.
    if (cap && !(BigInt(`0x${cap}`) & (1n << 24n))) {
      return "setrlimit `RLIMIT_NOFILE`: Operation not permitted (no CAP_SYS_RESOURCE)";
    }
    const v2 = fs.readFileSync("/sys/fs/cgroup/unified/cgroup.controllers", "utf8").trim();
    if (v2) return "cgroups in hybrid mode not supported";
  } catch {
    // No such file: not a hybrid layout.
  }
  return undefined;
}

/** The wrapper runtime when `error` is one of the known refusals, else undefined. */
export function restrictedRuntime(
  dir: string,
  error: string,
): { path: string; why: string } | undefined {
  const why = /setrlimit `?RLIMIT_\w+`?: Operation not permitted/.exec(error)?.[0] ??
    /cgroups in hybrid mode not supported/.exec(error)?.[0];
  if (!why) return undefined;
  // podman recognises crun (and its cgroup-less mode) by the runtime's file name.
  const file = path.join(dir, "runtime", "crun");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, WRAPPER.replace("CRUN", findCrun()), { mode: 0o755 });
  return { path: file, why };
}
