/**
 * The top-level Dockerfile, checked without building it (`npm run test:image` builds and runs
 * it): dockerfile-utils finds nothing with every rule raised to an error, the image keeps its
 * promises (ARG BASE, non-root user, volumes, HEALTHCHECK, hero_proc as the entrypoint), and
 * the service definitions it ships validate with hero_proc's own loader.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { validate, ValidationSeverity, type ValidatorSettings } from "dockerfile-utils";
import { loadServiceDir } from "../proc/src/config/toml_loader.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));
const dockerfile = fs.readFileSync(path.join(repo, "Dockerfile"), "utf8");

/** Every rule of the linter as an error. */
const STRICT: ValidatorSettings = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};

function lint(text: string): string[] {
  return validate(text, STRICT).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
}

test("dockerfile-utils finds nothing in the Dockerfile (and does find a broken one)", () => {
  assert.deepEqual(lint(dockerfile), []);
  const broken = dockerfile.replace("WORKDIR /opt/hero", "workdir opt/hero")
    .replace('CMD ["serve"]', "CMD ['serve']\nCMD [\"serve\"]");
  assert.ok(lint(broken).length >= 3, `the linter flags a broken file: ${lint(broken)}`);
});

test("the image: ARG BASE, non-root user, volumes, HEALTHCHECK, hero_proc as PID 1", () => {
  const final = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
  assert.match(dockerfile, /^ARG BASE=\S+$/m);
  assert.deepEqual(dockerfile.match(/^FROM .*$/gm), ["FROM ${BASE} AS build", "FROM ${BASE}"]);
  assert.match(final, /^USER hero$/m);
  assert.match(final, /useradd .*--uid 1000 .*hero/);
  assert.match(final, /^VOLUME \["\/home\/hero\/hero\/var", "\/home\/hero\/hero\/deploy"\]$/m);
  assert.match(final, /^HEALTHCHECK .*\n\s+CMD \[.*docker\/healthcheck\.mjs"\]$/m);
  assert.match(final, /^ENTRYPOINT \[".*\/node", "\/opt\/hero\/proc\/bin\/hero_proc\.mjs"\]$/m);
  assert.match(final, /^CMD \["serve"\]$/m);
  assert.match(final, /^ENV [\s\S]*HERO_PROC_CONFIG_DIR=\/home\/hero\/hero\/cfg\/hero_proc$/m);
});

test("the services the image ships validate with hero_proc's loader", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hero-image-services-"));
  try {
    for (const f of fs.readdirSync(path.join(repo, "docker/services"))) {
      const text = fs.readFileSync(path.join(repo, "docker/services", f), "utf8");
      // Programs are checked on this machine, where the image's /opt/hero is this repository.
      fs.writeFileSync(path.join(dir, f), text.replaceAll("/opt/hero/", `${repo}/`));
    }
    const { services, errors } = loadServiceDir(dir);
    assert.deepEqual(errors, []);
    assert.deepEqual(services.map((s) => s.name), ["heartbeat", "hero_router", "notes"]);
    const router = services.find((s) => s.name === "hero_router")!;
    assert.deepEqual(router.actions[0].health?.type, "socket");
    assert.match(router.actions[0].exec.join(" "), /router\/dist\/hero_router\.js serve/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
