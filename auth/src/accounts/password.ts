/**
 * Password hashing with argon2id (Node's built-in `crypto.argon2`), stored as a PHC string so
 * the parameters travel with the hash and can be raised later without breaking old hashes.
 * Parameters: OWASP's first recommendation (19 MiB, 2 passes, 1 lane).
 */
import crypto from "node:crypto";
import { promisify } from "node:util";

type Argon2 = (
  algorithm: "argon2id",
  params: {
    message: string | Uint8Array;
    nonce: Uint8Array;
    parallelism: number;
    tagLength: number;
    memory: number;
    passes: number;
  },
) => Promise<Uint8Array>;

const argon2 = promisify(
  (crypto as unknown as { argon2: (...a: unknown[]) => void }).argon2,
) as unknown as Argon2;

/** argon2id cost parameters. */
export interface Argon2Params {
  /** Memory in KiB. */
  memory: number;
  passes: number;
  parallelism: number;
}

/** The parameters new hashes use. */
export const DEFAULT_ARGON2: Argon2Params = { memory: 19456, passes: 2, parallelism: 1 };

/** Shortest and longest accepted passwords (characters). */
export const PASSWORD_LIMITS = { min: 10, max: 256 } as const;

/** A reason the password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_LIMITS.min) {
    return `Password is too short: use at least ${PASSWORD_LIMITS.min} characters`;
  }
  if (password.length > PASSWORD_LIMITS.max) {
    return `Password is too long: use at most ${PASSWORD_LIMITS.max} characters`;
  }
  return undefined;
}

/** Hashes a password into `$argon2id$v=19$m=…,t=…,p=…$salt$hash`. */
export async function hashPassword(
  password: string,
  params: Argon2Params = DEFAULT_ARGON2,
): Promise<string> {
  const nonce = crypto.randomBytes(16);
  const tag = await argon2("argon2id", { message: password, nonce, tagLength: 32, ...params });
  return `$argon2id$v=19$m=${params.memory},t=${params.passes},p=${params.parallelism}$${
    b64(nonce)
  }$${b64(tag)}`;
}

/** Checks a password against a stored PHC string in constant time; false on any mismatch. */
export async function verifyPassword(password: string, phc: string): Promise<boolean> {
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/
    .exec(phc);
  if (!m) return false;
  const expected = Buffer.from(m[5], "base64");
  const tag = await argon2("argon2id", {
    message: password,
    nonce: Buffer.from(m[4], "base64"),
    tagLength: expected.length,
    memory: Number(m[1]),
    passes: Number(m[2]),
    parallelism: Number(m[3]),
  });
  return tag.length === expected.length && crypto.timingSafeEqual(tag, expected);
}

/** A hash of a random password, verified against when the user does not exist (equal timing). */
export const DUMMY_HASH_PROMISE: Promise<string> = hashPassword(crypto.randomUUID());

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64").replace(/=+$/, "");
}
