/** Tests of command-line parsing. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCli } from "./cli_options.ts";
import { parseDuration } from "@hero/sdk";

test("serve with every flag", () => {
  const cli = parseCli([
    "serve",
    "--bind",
    ":9988",
    "--bind",
    "[::]:9989",
    "--socket-dir",
    "/tmp/s",
    "--scan-interval",
    "10s",
    "--probe-timeout",
    "500ms",
    "--manual-sources",
    "/tmp/m.json",
    "--whitelist",
    "10.0.0.0/8,fd00::/8",
    "--whitelist",
    "127.0.0.1",
    "--allow-host",
    "router.lan",
  ]);
  assert.equal(cli.command, "serve");
  assert.deepEqual(cli.binds, [":9988", "[::]:9989"]);
  assert.equal(cli.socketDir, "/tmp/s");
  assert.equal(cli.scanIntervalMs, 10_000);
  assert.equal(cli.probeTimeoutMs, 500);
  assert.deepEqual(cli.whitelist, ["10.0.0.0/8", "fd00::/8", "127.0.0.1"]);
  assert.deepEqual(cli.allowedHosts, ["router.lan"]);
});

test("defaults, spec and help", () => {
  const cli = parseCli(["list"]);
  assert.equal(cli.scanIntervalMs, 30_000);
  assert.equal(cli.probeTimeoutMs, 3000);
  assert.equal(cli.whitelist, undefined);
  assert.deepEqual(parseCli(["spec", "notes", "--json"]).service, "notes");
  assert.equal(parseCli([]).command, "help");
  assert.equal(parseCli(["serve", "--help"]).command, "help");
});

test("bad command lines are refused clearly", () => {
  assert.throws(() => parseCli(["serve", "--nope"]), /nope.*--help/);
  assert.throws(() => parseCli(["explode"]), /Unknown command "explode"/);
  assert.throws(() => parseCli(["spec"]), /spec needs a service name/);
  assert.throws(() => parseCli(["list", "extra"]), /Unexpected argument "extra"/);
  assert.throws(
    () => parseCli(["serve", "--scan-interval", "soon"]),
    /Invalid --scan-interval "soon"/,
  );
  assert.throws(() => parseCli(["serve", "--probe-timeout", "0"]), /more than 0/);
  assert.throws(() => parseCli(["serve", "--log-level", "loud"]), /--log-level/);
});

test("durations", () => {
  assert.equal(parseDuration("2m", "x"), 120_000);
  assert.equal(parseDuration("1.5", "x"), 1500);
  assert.equal(parseDuration("0", "x"), 0);
});

test("--front-loops takes 1 to 64 or auto, and refuses anything else by name", () => {
  assert.equal(parseCli(["serve"]).frontLoops, 1);
  assert.equal(parseCli(["serve", "--front-loops", "3"]).frontLoops, 3);
  const auto = parseCli(["serve", "--front-loops", "auto"]).frontLoops;
  assert.equal(auto, Math.max(1, Math.min(4, navigator.hardwareConcurrency)));
  for (const bad of ["0", "65", "two", "1.5", ""]) {
    assert.throws(
      () => parseCli(["serve", "--front-loops", bad]),
      new RegExp(`Invalid --front-loops "${bad.replace(".", "\\.")}": use a number from 1 to 64`),
    );
  }
});
