/**
 * Test fixture of deploys: a real git repository holding a tiny HTTP service (it answers its
 * version and cwd, and `/health` with 500 when the commit has a `broken` file), and helpers
 * to commit new versions and ask the running release what it is.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import process from "node:process";

const SERVER = `import fs from "node:fs";
import http from "node:http";
const version = fs.readFileSync("version.txt", "utf8").trim();
const healthy = !fs.existsSync("broken");
fs.appendFileSync("shared/starts.log", version + "\\n");
http.createServer((req, res) => {
  if (req.url === "/health") res.statusCode = healthy ? 200 : 500;
  res.end(version + " " + process.cwd());
}).listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
`;

/** A repository with commits made on demand. */
export class AppRepo {
  readonly dir: string;

  /** Creates the repository with its first commit (`v1`). */
  constructor(dir: string) {
    this.dir = dir;
    fs.mkdirSync(dir, { recursive: true });
    this.git("init", "--quiet", "--initial-branch=main");
    fs.writeFileSync(path.join(dir, "server.mjs"), SERVER);
    fs.writeFileSync(
      path.join(dir, "build.sh"),
      'echo "building $(cat version.txt)"\n' +
        "cat version.txt > build.out\n",
    );
    this.commit("v1");
  }

  /** Commits a new version; `broken` makes it unhealthy, `failBuild` makes its build fail. */
  commit(version: string, opts: { broken?: boolean; failBuild?: boolean } = {}): string {
    fs.writeFileSync(path.join(this.dir, "version.txt"), `${version}\n`);
    const broken = path.join(this.dir, "broken");
    if (opts.broken) fs.writeFileSync(broken, "");
    else fs.rmSync(broken, { force: true });
    const build = fs.readFileSync(path.join(this.dir, "build.sh"), "utf8").replace(
      /^exit.*\n/m,
      "",
    );
    fs.writeFileSync(path.join(this.dir, "build.sh"), (opts.failBuild ? "exit 3\n" : "") + build);
    this.git("add", "-A");
    this.git("commit", "--quiet", "-m", version);
    return this.git("rev-parse", "HEAD");
  }

  /** Runs git in the repository. */
  git(...args: string[]): string {
    return execFileSync("git", args, {
      cwd: this.dir,
      encoding: "utf8",
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@example.org",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@example.org",
      },
    }).trim();
  }
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** The service definition that runs the repository's server on `port`. */
export function appService(name: string, port: number): Record<string, unknown> {
  return {
    name,
    autostart: false,
    actions: {
      server: {
        exec: [process.execPath, "server.mjs"],
        env: { PORT: String(port) },
        restart: { policy: "always", delay_ms: 100 },
        // Failures while the server starts do not count (a loaded machine may take a while).
        health: {
          http: `http://127.0.0.1:${port}/health`,
          interval_ms: 100,
          retries: 2,
          start_period_ms: 15_000,
        },
        stop: { timeout_ms: 3000 },
      },
    },
  };
}

/** What the running release answers: `[version, cwd]`. */
export async function ask(port: number): Promise<[string, string]> {
  const text = await (await fetch(`http://127.0.0.1:${port}/`)).text();
  const [version, cwd] = text.split(" ");
  return [version, cwd];
}
