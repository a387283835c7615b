/**
 * The git commands deploys need, run with `execFile` (no shell) and turned into one-sentence
 * errors that quote git's own last line: mirror, fetch, resolve a ref, add, lock, unlock and
 * remove worktrees.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import process from "node:process";
import { HeroError } from "@hero/sdk";

/** Runs git; resolves its trimmed stdout or throws DEPLOY_GIT_FAILED with what git said. */
export function git(args: string[], opts: { cwd?: string; what: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      args,
      {
        cwd: opts.cwd,
        maxBuffer: 16 * 1024 * 1024,
        // Never prompt for credentials: a deploy runs unattended.
        env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" },
      },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout.trim());
        const said = stderr.trim().split("\n").filter(Boolean).pop() ?? err.message;
        reject(new HeroError("DEPLOY_GIT_FAILED", `Cannot ${opts.what}: ${said}`));
      },
    );
  });
}

/** Creates the bare mirror on first use, else fetches every ref (pruning deleted ones). */
export async function syncMirror(repo: string, mirror: string): Promise<void> {
  if (!fs.existsSync(mirror)) {
    await git(["clone", "--mirror", "--quiet", repo, mirror], { what: `mirror ${repo}` });
    return;
  }
  const url = await git(["config", "--get", "remote.origin.url"], {
    cwd: mirror,
    what: "read the mirror's origin",
  });
  if (url !== repo) {
    await git(["remote", "set-url", "origin", repo], { cwd: mirror, what: "update the origin" });
  }
  await git(["remote", "update", "--prune"], { cwd: mirror, what: `fetch ${repo}` });
}

/** The full commit id of `ref` in the mirror (branch, tag or commit). */
export function resolveRef(mirror: string, ref: string): Promise<string> {
  if (ref.startsWith("-")) {
    throw new HeroError("VALIDATION_FAILED", `Invalid ref "${ref}"`);
  }
  return git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], {
    cwd: mirror,
    what: `find "${ref}" in the repository`,
  }).catch(() => {
    throw new HeroError(
      "DEPLOY_REF_NOT_FOUND",
      `Cannot deploy "${ref}": no such branch, tag or commit`,
    );
  });
}

/** Adds a detached worktree of `sha` at `dir` (kept as is when it is already there). */
export async function addWorktree(mirror: string, dir: string, sha: string): Promise<void> {
  if (fs.existsSync(dir)) return;
  await git(["worktree", "add", "--detach", "--quiet", dir, sha], {
    cwd: mirror,
    what: `check out ${sha.slice(0, 12)}`,
  });
}

/** Locks a worktree against `git worktree prune/remove` (the live release). */
export async function lockWorktree(mirror: string, dir: string, reason: string): Promise<void> {
  await git(["worktree", "unlock", dir], { cwd: mirror, what: "unlock" }).catch(() => {});
  await git(["worktree", "lock", "--reason", reason, dir], {
    cwd: mirror,
    what: "lock the release",
  });
}

/** Unlocks a worktree (no error when it was not locked). */
export async function unlockWorktree(mirror: string, dir: string): Promise<void> {
  await git(["worktree", "unlock", dir], { cwd: mirror, what: "unlock" }).catch(() => {});
}

/** Removes a worktree and its directory. */
export async function removeWorktree(mirror: string, dir: string): Promise<void> {
  await git(["worktree", "remove", "--force", dir], { cwd: mirror, what: `remove ${dir}` })
    .catch(() => fs.rmSync(dir, { recursive: true, force: true }));
  await git(["worktree", "prune"], { cwd: mirror, what: "prune worktrees" });
}

/** Whether git marks the worktree locked. */
export async function isLocked(mirror: string, dir: string): Promise<boolean> {
  const list = await git(["worktree", "list", "--porcelain"], { cwd: mirror, what: "list" });
  const block = list.split("\n\n").find((b) => b.split("\n")[0] === `worktree ${dir}`);
  return !!block?.split("\n").some((l) => l.startsWith("locked"));
}
