/**
 * The TCP IP whitelist: CIDR blocks (IPv4 and IPv6) a peer must fall into. Loopback only by
 * default; IPv4 peers seen as IPv4-mapped IPv6 addresses match their IPv4 blocks.
 */
import { HeroError } from "@hero/sdk";
import { ipToBigInt, parseIpv4 } from "./ip_address.ts";

/** Loopback in both families: what is allowed when no whitelist is given. */
export const LOOPBACK_CIDRS: readonly string[] = Object.freeze(["127.0.0.0/8", "::1/128"]);

interface Block {
  base: bigint;
  mask: bigint;
}

const ALL = (1n << 128n) - 1n;

/** Parses one CIDR (`10.0.0.0/8`, `fd00::/8`, or a bare address meaning a single host). */
export function parseCidr(text: string): Block {
  const [addr, prefixText, extra] = text.trim().split("/");
  const value = addr === undefined ? undefined : ipToBigInt(addr);
  const isV4 = addr !== undefined && parseIpv4(addr) !== undefined;
  const width = isV4 ? 32 : 128;
  const prefix = prefixText === undefined ? width : Number(prefixText);
  if (
    value === undefined || extra !== undefined ||
    (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) || prefix > width
  ) {
    throw new HeroError(
      "INVALID_CIDR",
      `Invalid whitelist entry "${text}": use an address or CIDR like 10.0.0.0/8 or fd00::/8`,
    );
  }
  const bits = BigInt((isV4 ? 96 : 0) + prefix);
  const mask = bits === 0n ? 0n : (ALL << (128n - bits)) & ALL;
  return { base: value & mask, mask };
}

/** A set of CIDR blocks a TCP peer must belong to. */
export class IpWhitelist {
  readonly #blocks: Block[];
  /** The entries as given, for logs and `router.health`. */
  readonly entries: readonly string[];

  /** Parses every entry; throws `INVALID_CIDR` on the first bad one. */
  constructor(entries: readonly string[]) {
    this.#blocks = entries.map(parseCidr);
    this.entries = [...entries];
  }

  /** True if the peer address is inside one of the blocks. */
  allows(address: string | undefined): boolean {
    if (!address) return false;
    const value = ipToBigInt(address);
    if (value === undefined) return false;
    return this.#blocks.some((b) => (value & b.mask) === b.base);
  }
}
