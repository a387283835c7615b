/**
 * `hero_proc deploy`: deploy a commit of a git repository as a service's new release, follow
 * it (states and the build's output) to the end, and list, roll back and prune releases. One
 * entry of the command table (commands.ts), kept here with everything it needs.
 */
import type { ProcPaths } from "../daemon/paths.ts";
import type { DeployRecord } from "../deploy/deploy_history.ts";
import type { DeployStatus } from "../deploy/deploy_status.ts";
import { parseTime } from "../logs/query/parse_time.ts";
import { callDaemon, CliError } from "./client.ts";
import { type CommandContext, type CommandSpec, EXIT } from "./command_spec.ts";
import { print } from "./daemon_commands.ts";

const FORMS = `  hero_proc deploy SERVICE --repo PATH_OR_URL [--ref REF] [--build CMD] [--keep N]
                   [--health-timeout DUR] [--no-follow]   deploy a commit as SERVICE's release
  hero_proc deploy list [SERVICE]      live release, releases on disk, history
  hero_proc deploy rollback SERVICE [SHA]   back to SHA, or to the release live before
  hero_proc deploy prune SERVICE --keep N   remove releases beyond the newest N
  hero_proc deploy status SERVICE [ID]`;

/** `hero_proc deploy`, as an entry of the command table. */
export const DEPLOY_COMMAND: CommandSpec = {
  name: "deploy",
  summary: "deploy a git commit as a service's release; list, rollback, prune",
  args: [
    { name: "SERVICE|list|rollback|prune|status", complete: "service" },
    { name: "ARG", optional: true, complete: "service" },
    { name: "SHA|ID", optional: true },
  ],
  options: [
    {
      name: "repo",
      value: "PATH_OR_URL",
      help: "the git repository to deploy from",
      complete: "dir",
    },
    { name: "ref", value: "REF", help: "branch, tag or commit (default HEAD)" },
    { name: "build", value: "CMD", help: "shell command run in the release before the switch" },
    { name: "keep", value: "N", help: "releases kept on disk (default 5)" },
    { name: "health-timeout", value: "DUR", help: "time to become healthy (default 60s)" },
    { name: "no-follow", help: "return once the deploy has started" },
  ],
  details: `${FORMS}

A release is a detached git worktree of the commit (~/hero/deploy/SERVICE/releases/SHA); the
build runs there as a job, shared/ is linked in, current/ is switched atomically and the service
restarted in it. A release that does not get healthy in time is switched back by itself.`,
  run: (ctx) => deployCommand(ctx),
};

/** Runs \`hero_proc deploy ...\`; resolves the exit code. */
async function deployCommand(ctx: CommandContext): Promise<number> {
  const { paths, json, opts: o } = ctx;
  const [first, ...rest] = ctx.args;
  const str = (k: string) => o[k] as string | undefined;
  const need = (v: string | undefined, what: string) => {
    if (!v) throw new CliError(`Missing ${what}. Usage:\n${FORMS}`, EXIT.usage);
    return v;
  };
  const keep = str("keep") === undefined ? undefined : Number(str("keep"));
  if (keep !== undefined && !(Number.isInteger(keep) && keep >= 1)) {
    throw new CliError(
      `--keep must be a whole number of 1 or more, not "${str("keep")}"`,
      EXIT.usage,
    );
  }
  if (first === "list") {
    const list = await callDaemon<DeployStatus[]>(
      paths,
      "deploy.list",
      rest[0] ? { service: rest[0] } : {},
    );
    print(json, list, list.map(describeStatus).join("\n\n") || "Nothing was deployed yet.");
    return EXIT.ok;
  }
  if (first === "prune") {
    const removed = await callDaemon<string[]>(paths, "deploy.prune", {
      service: need(rest[0], "service name"),
      keep: keep ?? need(undefined, "--keep N"),
    });
    print(
      json,
      removed,
      removed.length ? `Removed ${removed.map(short).join(", ")}` : "Nothing to remove",
    );
    return EXIT.ok;
  }
  if (first === "status") {
    const rec = await callDaemon<DeployRecord>(paths, "deploy.get", {
      service: need(rest[0], "service name"),
      ...(rest[1] ? { id: Number(rest[1]) } : {}),
    });
    print(json, rec, describe(rec));
    return ok(rec) ? EXIT.ok : EXIT.failed;
  }
  const service = need(first === "rollback" ? rest[0] : first, "service name");
  const started = first === "rollback"
    ? await callDaemon<DeployRecord>(paths, "deploy.rollback", {
      service,
      ...(rest[1] ? { sha: rest[1] } : {}),
    })
    : await callDaemon<DeployRecord>(paths, "deploy.start", {
      service,
      repo: need(str("repo"), "--repo PATH_OR_URL"),
      ...(str("ref") ? { ref: str("ref") } : {}),
      ...(str("build") ? { build: str("build") } : {}),
      ...(keep ? { keep } : {}),
      ...(str("health-timeout") ? { health_timeout_ms: durationMs(str("health-timeout")!) } : {}),
    });
  if (o["no-follow"]) {
    print(json, started, `${started.kind} ${started.id} of ${service} started`);
    return EXIT.ok;
  }
  const end = await follow(paths, started, json);
  print(json, end, describe(end));
  return ok(end) ? EXIT.ok : EXIT.failed;
}

/** Polls the deploy until it ends, printing its states and its build's output. */
async function follow(paths: ProcPaths, rec: DeployRecord, quiet: boolean): Promise<DeployRecord> {
  let state = "";
  let lastLine = 0;
  const say = (s: string) => !quiet && console.error(s);
  for (;;) {
    rec = await callDaemon<DeployRecord>(paths, "deploy.get", {
      service: rec.service,
      id: rec.id,
      wait_ms: 200,
    });
    if (rec.build_job) {
      const page = await callDaemon<{ lines: { id: number; message: string }[] }>(
        paths,
        "logs.query",
        { job_id: rec.build_job, order: "oldest", limit: 1000 },
      ).catch(() => ({ lines: [] }));
      for (const l of page.lines.filter((x) => x.id > lastLine)) {
        say(`  | ${l.message}`);
        lastLine = l.id;
      }
    }
    if (rec.state !== state) {
      state = rec.state;
      say(`${rec.kind} ${rec.id}: ${state}${rec.sha ? ` ${short(rec.sha)}` : ""}`);
    }
    if (rec.ended_at) return rec;
  }
}

function ok(rec: DeployRecord): boolean {
  return rec.state === "live" || rec.state === "superseded";
}

function short(sha: string | null): string {
  return sha ? sha.slice(0, 12) : "—";
}

function describe(r: DeployRecord): string {
  const what = `${r.kind === "rollback" ? "Rollback" : "Deploy"} ${r.id} of ${r.service}`;
  if (r.state === "live") return `${what}: ${short(r.sha)} is live`;
  return `${what}: ${r.state}${r.reason ? ` — ${r.reason}` : ""}`;
}

function describeStatus(s: DeployStatus): string {
  const rows = s.releases.map((r) =>
    `  ${r.live ? "*" : " "} ${short(r.sha)}  ${r.last_state ?? ""}  ${
      r.last_used ? new Date(r.last_used).toISOString() : ""
    }`
  );
  return `${s.service}: current ${short(s.current)}${
    s.busy ? ` (${s.busy.kind} ${s.busy.id} under way)` : ""
  }\n${rows.join("\n")}`;
}

function durationMs(v: string): number {
  if (!/^\d+(\.\d+)?(ms|s|m|h)?$/.test(v)) {
    throw new CliError(
      `Bad duration "${v}": use ms or a number with ms, s, m or h (90s)`,
      EXIT.usage,
    );
  }
  return /^\d+$/.test(v) ? Number(v) : -parseTime(v, "duration", 0);
}
