/**
 * Record ids: a type prefix and a time-ordered random part (`c_01jx…`), so ids sort by creation
 * and say what they name in logs and URLs.
 */
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** A new id with the given prefix: 10 characters of milliseconds, 16 of randomness. */
export function newId(prefix: string, now = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(10);
  let rand = "";
  for (let i = 0; i < 16; i++) {
    const bit = i * 5;
    const byte = bit >> 3;
    const v = ((bytes[byte] << 8 | (bytes[byte + 1] ?? 0)) >> (11 - (bit & 7))) & 31;
    rand += ALPHABET[v];
  }
  return `${prefix}_${time}${rand}`;
}

/** Whether `id` looks like an id of the given prefix (a cheap check before a lookup). */
export function isIdOf(prefix: string, id: string): boolean {
  return id.startsWith(`${prefix}_`) && /^[a-z]+_[0-9a-z]{26}$/.test(id);
}
