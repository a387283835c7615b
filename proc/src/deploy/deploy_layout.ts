/**
 * Where a service's deploys live (Capistrano's layout, with git worktrees as releases):
 *
 *   <root>/<service>/repo.git         bare mirror of the source repository
 *   <root>/<service>/releases/<sha>   one detached worktree per deployed commit
 *   <root>/<service>/shared/          data kept across releases, linked as <release>/shared
 *   <root>/<service>/current          symlink to releases/<sha>, switched by an atomic rename
 *   <root>/<service>/deploys.json     the deploy history
 *
 * The root is `HERO_DEPLOY_DIR`, else `~/hero/deploy`.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";

/** The deploy root. */
export function deployRoot(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.HERO_DEPLOY_DIR || path.join(env.HOME || os.homedir(), "hero/deploy"));
}

/** The paths of one service's deploys. */
export class DeployLayout {
  /** `<root>/<service>`. */
  readonly dir: string;
  readonly mirror: string;
  readonly releases: string;
  readonly shared: string;
  readonly current: string;
  readonly history: string;

  /** The layout of `service` under `root`. */
  constructor(root: string, service: string) {
    this.dir = path.join(root, service);
    this.mirror = path.join(this.dir, "repo.git");
    this.releases = path.join(this.dir, "releases");
    this.shared = path.join(this.dir, "shared");
    this.current = path.join(this.dir, "current");
    this.history = path.join(this.dir, "deploys.json");
  }

  /** The worktree of a commit. */
  release(sha: string): string {
    return path.join(this.releases, sha);
  }

  /** The commit `current` points at, or null before the first switch. */
  currentSha(): string | null {
    try {
      return path.basename(fs.readlinkSync(this.current));
    } catch {
      return null;
    }
  }

  /** Points `current` at a release: a new symlink renamed over the old one (atomic). */
  switchTo(sha: string): void {
    const tmp = `${this.current}.${process.pid}.${Date.now()}`;
    fs.symlinkSync(path.join("releases", sha), tmp);
    try {
      fs.renameSync(tmp, this.current);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
  }

  /** Links `<release>/shared` to the service's shared directory (created if missing). */
  linkShared(sha: string): void {
    fs.mkdirSync(this.shared, { recursive: true });
    const link = path.join(this.release(sha), "shared");
    let existing: fs.Stats | undefined;
    try {
      existing = fs.lstatSync(link);
    } catch {
      // Not there yet.
    }
    if (existing?.isSymbolicLink()) return;
    if (existing) {
      throw new Error(
        `the repository has its own "shared" at the top level; it is where ${this.shared} is linked`,
      );
    }
    fs.symlinkSync(this.shared, link);
  }

  /** The releases on disk. */
  releasesOnDisk(): string[] {
    try {
      return fs.readdirSync(this.releases).filter((n) => /^[0-9a-f]{40,64}$/.test(n));
    } catch {
      return [];
    }
  }
}
