/** The network half of the gate: whitelist and Host/Origin verdicts, memoised per value. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { IpWhitelist, LOOPBACK_CIDRS } from "./ip_whitelist.ts";
import { networkCheck } from "./tcp_guard.ts";

const tcp = { transport: "tcp" as const, remoteAddress: "127.0.0.1" };
const req = (headers: Record<string, string>) => new Request("http://x/", { headers });

test("a remembered verdict for a request without Origin does not let Origin: null through", () => {
  const check = networkCheck(new IpWhitelist([...LOOPBACK_CIDRS]), []);
  assert.equal(check(req({ host: "127.0.0.1:9988" }), tcp), undefined);
  assert.match(check(req({ host: "127.0.0.1:9988", origin: "null" }), tcp) ?? "", /"null"/);
  // And the other way round.
  const fresh = networkCheck(new IpWhitelist([...LOOPBACK_CIDRS]), []);
  assert.match(fresh(req({ host: "127.0.0.1:9988", origin: "null" }), tcp) ?? "", /"null"/);
  assert.equal(fresh(req({ host: "127.0.0.1:9988" }), tcp), undefined);
});

test("peers outside the whitelist are refused before any header is looked at", () => {
  const check = networkCheck(new IpWhitelist(["10.0.0.0/8"]), []);
  assert.match(check(req({ host: "127.0.0.1" }), tcp) ?? "", /not in the IP whitelist/);
});
