/** Tests of each step of the bind address resolution chain. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type BindAddressSources, resolveBindAddress } from "./bind_address.ts";

function sources(over: Partial<BindAddressSources> & { vars?: Record<string, string> } = {}) {
  const vars = over.vars ?? { USER: "alice" };
  return {
    env: (k: string) => vars[k],
    homeDir: "/home/alice",
    readTextFile: () => Promise.resolve(undefined),
    networkInterfaces: () => [],
    ...over,
  } satisfies BindAddressSources;
}

const CFG = '[mycelium]\nipv6_address = "5a1:2b3::7"\n';
const IFACES = () => [
  { name: "br-alice", address: "fe80::1", family: "IPv6" as const },
  { name: "br-alice", address: "10.8.0.2", family: "IPv4" as const },
  { name: "br-bob", address: "10.9.0.2", family: "IPv4" as const },
];

test("1. HERO_MYCELIUM_IP wins over everything", async () => {
  const r = await resolveBindAddress(sources({
    vars: { HERO_MYCELIUM_IP: "5a1::1", USER: "alice" },
    readTextFile: () => Promise.resolve(CFG),
    networkInterfaces: IFACES,
  }));
  assert.equal(r.address, "5a1::1");
  assert.equal(r.source, "HERO_MYCELIUM_IP");
});

test("2. hero_cfg.toml [mycelium].ipv6_address is next", async () => {
  let asked = "";
  const r = await resolveBindAddress(sources({
    vars: { HERO_MYCELIUM_IP: "garbage", USER: "alice" },
    readTextFile: (p) => {
      asked = p;
      return Promise.resolve(CFG);
    },
    networkInterfaces: IFACES,
  }));
  assert.equal(asked, "/home/alice/hero/cfg/hero_cfg.toml");
  assert.equal(r.address, "5a1:2b3::7");
  assert.equal(r.source, "hero_cfg.toml");
  assert.match(r.skipped[0], /HERO_MYCELIUM_IP="garbage" is not an IP address/);
});

test("3. the address of br-$USER is next (link-local skipped)", async () => {
  const r = await resolveBindAddress(sources({
    readTextFile: () => Promise.resolve("not = [valid toml"),
    networkInterfaces: IFACES,
  }));
  assert.equal(r.address, "10.8.0.2");
  assert.equal(r.source, "interface");
  assert.match(r.detail, /br-alice/);
  assert.match(r.skipped[0], /not valid TOML/);
});

test("4. 127.0.0.1 is the fallback", async () => {
  const r = await resolveBindAddress(sources({
    readTextFile: () => Promise.resolve("[other]\nx = 1\n"),
    networkInterfaces: () => [{ name: "eth0", address: "10.0.0.5", family: "IPv4" }],
  }));
  assert.equal(r.address, "127.0.0.1");
  assert.equal(r.source, "fallback");
});
