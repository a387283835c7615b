/**
 * The `deploy.*` methods (and so the router's MCP tools `hero_proc_deploy_*`): start a deploy
 * or a rollback (both run in the background and are polled with `deploy.get`), list releases
 * and history, prune. Read-only methods are annotated so; starting anything runs code.
 */
import { defineMethod, errorMapper, type MethodSpec } from "@hero/sdk";
import type { Supervisor } from "../supervisor/supervisor.ts";
import { LOCAL } from "../errors/proc_errors.ts";
import { deployRoot } from "../deploy/deploy_layout.ts";
import { Deployer, type DeployRequest } from "../deploy/deployer.ts";
import { deployStatus } from "../deploy/deploy_status.ts";

/** Wire codes of deploy errors. */
export const DeployErrorCode = {
  DEPLOY_BUSY: -32030,
  DEPLOY_GIT_FAILED: -32031,
  DEPLOY_REF_NOT_FOUND: -32032,
  DEPLOY_NOT_FOUND: -32033,
  DEPLOY_CWD: -32034,
} as const;

const ERRORS = [
  {
    code: DeployErrorCode.DEPLOY_BUSY,
    message: "A deploy or rollback of this service is under way",
  },
  { code: DeployErrorCode.DEPLOY_GIT_FAILED, message: "git failed (the message quotes it)" },
  { code: DeployErrorCode.DEPLOY_REF_NOT_FOUND, message: "No such branch, tag or commit" },
  { code: DeployErrorCode.DEPLOY_NOT_FOUND, message: "No such deploy or release" },
  { code: DeployErrorCode.DEPLOY_CWD, message: "A file-defined service must run in current/" },
];

/** hero_proc's own error codes plus the deploy ones, mapped to their wire codes. */
const mapped = errorMapper({ ...LOCAL, ...DeployErrorCode });

const service = {
  name: "service",
  required: true,
  schema: { type: "string" },
  summary: "Service name",
};
const record = {
  type: "object",
  description: "One deploy or rollback",
  properties: {
    id: { type: "integer" },
    service: { type: "string" },
    kind: { enum: ["deploy", "rollback"] },
    sha: { type: ["string", "null"] },
    state: {
      enum: [
        "fetching",
        "building",
        "switching",
        "waiting_health",
        "live",
        "failed",
        "rolled_back",
        "superseded",
        "interrupted",
      ],
    },
    build_job: { type: ["integer", "null"], description: "Job whose logs hold the build output" },
    previous: { type: ["string", "null"] },
    reason: { type: ["string", "null"] },
  },
};

const SHA = "3f2c9a1e0b7d4c6a8e5f1d2b3c4a5e6f7a8b9c0d";
const SAMPLE = {
  id: 7,
  service: "web",
  kind: "deploy",
  repo: "/srv/git/web.git",
  ref: "main",
  sha: SHA,
  build: "npm ci && npm run build",
  build_job: 412,
  state: "building",
  previous: "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567",
  reason: null,
  started_at: 1767225600000,
  ended_at: null,
};
const named = (record: Record<string, unknown>) =>
  Object.entries(record).map(([name, value]) => ({ name, value }));

/** The deploy methods bound to a supervisor (deploys under `root`, default `~/hero/deploy`). */
// deno-lint-ignore no-explicit-any
export function deployMethods(sup: () => Supervisor, root = deployRoot()): MethodSpec<any, any>[] {
  let deployer: Deployer | undefined;
  const d = () => (deployer ??= new Deployer(sup, root));
  return [
    defineMethod<DeployRequest, unknown>({
      name: "deploy.start",
      summary: "Deploy a commit of a git repository as a service's new release",
      description:
        "Mirrors the repository, checks the commit out as a detached worktree (releases/<sha>), runs the build as a job, links shared/, switches `current` atomically, restarts the service there and waits for health; a release that never gets healthy is switched back by itself. Returns at once; poll deploy.get.",
      params: [
        service,
        {
          name: "repo",
          required: true,
          schema: { type: "string" },
          summary: "Path or URL git can clone",
        },
        {
          name: "ref",
          schema: { type: "string", default: "HEAD" },
          summary: "Branch, tag or commit",
        },
        { name: "build", schema: { type: "string" }, summary: "Shell command run in the release" },
        {
          name: "keep",
          schema: { type: "integer", minimum: 1, default: 5 },
          summary: "Releases kept",
        },
        { name: "health_timeout_ms", schema: { type: "integer", minimum: 0, default: 60000 } },
        { name: "build_timeout_ms", schema: { type: "integer", minimum: 0, default: 1800000 } },
      ],
      result: { name: "deploy", schema: record },
      errors: ERRORS,
      annotations: { destructiveHint: true },
      examples: [{
        name: "deploy main with a build",
        params: named({
          service: "web",
          repo: "/srv/git/web.git",
          ref: "main",
          build: "npm ci && npm run build",
        }),
        result: { name: "deploy", value: SAMPLE },
      }],
      handler: mapped((p) => d().start(p)),
    }),
    defineMethod<{ service: string; sha?: string }, unknown>({
      name: "deploy.rollback",
      summary: "Switch a service back to an earlier release (default: the one live before)",
      params: [service, {
        name: "sha",
        schema: { type: "string" },
        summary: "Release (a prefix will do)",
      }],
      result: { name: "deploy", schema: record },
      errors: ERRORS,
      annotations: { destructiveHint: true },
      examples: [{
        name: "back to the previous release",
        params: named({ service: "web" }),
        result: {
          name: "deploy",
          value: {
            ...SAMPLE,
            id: 8,
            kind: "rollback",
            repo: null,
            ref: null,
            build: null,
            build_job: null,
            state: "switching",
          },
        },
      }],
      handler: mapped((p) => d().rollback(p.service, p.sha)),
    }),
    defineMethod<{ service: string; id?: number; wait_ms?: number }, unknown>({
      name: "deploy.get",
      summary: "One deploy of a service (the latest without id), optionally waiting for its end",
      params: [
        service,
        { name: "id", schema: { type: "integer", minimum: 1 } },
        {
          name: "wait_ms",
          schema: { type: "integer", minimum: 0, maximum: 25000, default: 0 },
          summary: "Wait up to this long for the deploy to end",
        },
      ],
      result: { name: "deploy", schema: record },
      errors: ERRORS,
      annotations: { readOnlyHint: true },
      examples: [{
        name: "wait for the latest deploy",
        params: named({ service: "web", wait_ms: 20000 }),
        result: { name: "deploy", value: { ...SAMPLE, state: "live", ended_at: 1767225642000 } },
      }],
      handler: mapped(async (p) => {
        const id = p.id ?? d().get(p.service).id;
        return p.wait_ms ? await d().wait(p.service, id, p.wait_ms) : d().get(p.service, id);
      }),
    }),
    defineMethod<{ service?: string }, unknown>({
      name: "deploy.list",
      summary: "Deployed services: the live release, releases on disk and the deploy history",
      params: [{ ...service, required: false, summary: "Only this service" }],
      result: { name: "services", schema: { type: "array", items: { type: "object" } } },
      annotations: { readOnlyHint: true },
      examples: [{
        name: "one service",
        params: named({ service: "web" }),
        result: {
          name: "services",
          value: [{
            service: "web",
            current: SHA,
            busy: null,
            releases: [{ sha: SHA, live: true, last_used: 1767225600000, last_state: "live" }],
            history: [{ ...SAMPLE, state: "live", ended_at: 1767225642000 }],
          }],
        },
      }],
      handler: mapped((p) => deployStatus(d(), p.service)),
    }),
    defineMethod<{ service: string; keep: number }, unknown>({
      name: "deploy.prune",
      summary: "Remove the least recently used releases beyond `keep` (never the live one)",
      params: [service, { name: "keep", required: true, schema: { type: "integer", minimum: 1 } }],
      result: { name: "removed", schema: { type: "array", items: { type: "string" } } },
      errors: ERRORS,
      annotations: { destructiveHint: true },
      examples: [{
        name: "keep three",
        params: named({ service: "web", keep: 3 }),
        result: { name: "removed", value: ["0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"] },
      }],
      handler: mapped((p) => d().prune(p.service, p.keep)),
    }),
  ];
}
