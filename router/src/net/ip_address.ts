/**
 * IP address literals as numbers: parsing IPv4 and IPv6 (with `::` compression, embedded IPv4
 * and zone ids) into 128-bit bigints, so that CIDR checks are simple masks. IPv4 addresses are
 * mapped into `::ffff:0:0/96`, which makes `::ffff:127.0.0.1` and `127.0.0.1` the same peer.
 */

/** Parses an IPv4 literal into a 32-bit number, or undefined. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255 || (p.length > 1 && p[0] === "0")) {
      return undefined;
    }
    value = value * 256 + Number(p);
  }
  return value;
}

/** Parses an IPv6 literal (no brackets; a `%zone` suffix is ignored) into a bigint. */
export function parseIpv6(text: string): bigint | undefined {
  const input = text.replace(/%.*$/, "");
  if (input.length === 0 || input.length > 45) return undefined;
  const halves = input.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === "") return [];
    const out: number[] = [];
    const items = s.split(":");
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (i === items.length - 1 && item.includes(".")) {
        const v4 = parseIpv4(item);
        if (v4 === undefined) return undefined;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(item)) out.push(parseInt(item, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...new Array(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** True if `text` is an IPv4 or IPv6 literal. */
export function isIpLiteral(text: string): boolean {
  return parseIpv4(text) !== undefined || parseIpv6(text) !== undefined;
}

/** Any IP literal as a 128-bit value (IPv4 mapped into `::ffff:0:0/96`), or undefined. */
export function ipToBigInt(text: string): bigint | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return 0xffff00000000n | BigInt(v4);
  return parseIpv6(text);
}
