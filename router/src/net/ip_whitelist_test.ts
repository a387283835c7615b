/** Tests of CIDR parsing and matching for the TCP whitelist. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { isIpLiteral, parseIpv6 } from "./ip_address.ts";
import { IpWhitelist, LOOPBACK_CIDRS } from "./ip_whitelist.ts";

test("IPv6 parsing handles compression and embedded IPv4", () => {
  assert.equal(parseIpv6("::1"), 1n);
  assert.equal(parseIpv6("::ffff:127.0.0.1"), 0xffff7f000001n);
  assert.equal(parseIpv6("1::2::3"), undefined);
  assert.equal(parseIpv6("1:2:3:4:5:6:7:8:9"), undefined);
  assert.ok(isIpLiteral("fe80::1%eth0"));
  assert.ok(!isIpLiteral("256.1.1.1"));
  assert.ok(!isIpLiteral("01.1.1.1"));
});

test("the default whitelist is loopback only, in both families", () => {
  const w = new IpWhitelist(LOOPBACK_CIDRS);
  assert.ok(w.allows("127.0.0.1"));
  assert.ok(w.allows("127.9.9.9"));
  assert.ok(w.allows("::1"));
  assert.ok(w.allows("::ffff:127.0.0.1"));
  assert.ok(!w.allows("10.0.0.1"));
  assert.ok(!w.allows("::2"));
  assert.ok(!w.allows(undefined));
  assert.ok(!w.allows("not-an-ip"));
});

test("custom CIDRs match their blocks only", () => {
  const w = new IpWhitelist(["10.1.0.0/16", "fd00:abcd::/32", "192.168.1.7"]);
  assert.ok(w.allows("10.1.200.3"));
  assert.ok(!w.allows("10.2.0.1"));
  assert.ok(w.allows("fd00:abcd:1::5"));
  assert.ok(!w.allows("fd00:abce::5"));
  assert.ok(w.allows("192.168.1.7"));
  assert.ok(!w.allows("192.168.1.8"));
  assert.ok(new IpWhitelist(["0.0.0.0/0"]).allows("8.8.8.8"));
  assert.ok(!new IpWhitelist(["0.0.0.0/0"]).allows("2001:db8::1"));
  assert.ok(new IpWhitelist(["::/0"]).allows("2001:db8::1"));
});

test("bad whitelist entries are refused", () => {
  for (const bad of ["10.0.0.0/33", "fd00::/129", "nope", "10.0.0.0/8/1", "1.2.3.4/x"]) {
    assert.throws(() => new IpWhitelist([bad]), /Invalid whitelist entry/);
  }
});
