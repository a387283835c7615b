/**
 * A compact JWS signed with Ed25519 through WebCrypto, for the caller assertion: every service
 * verifies one per request, so the SDK does it without a JOSE library (it loads from any project,
 * also a Deno one without an import map, and carries no npm dependency for it).
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Signs `payload` with `header` (which must name `alg: "EdDSA"`). */
export async function signEd25519(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: CryptoKey,
): Promise<string> {
  const input = `${b64url(encoder.encode(JSON.stringify(header)))}.${
    b64url(encoder.encode(JSON.stringify(payload)))
  }`;
  const signature = await crypto.subtle.sign({ name: "Ed25519" }, key, encoder.encode(input));
  return `${input}.${b64url(new Uint8Array(signature))}`;
}

/** The decoded header of a compact JWS; throws on anything else. */
export function decodeHeader(jws: string): Record<string, unknown> {
  const parts = jws.split(".");
  if (parts.length !== 3) throw new Error("not a compact JWS");
  return parseObject(parts[0], "header");
}

/** The payload of a compact JWS whose Ed25519 signature `key` verifies; throws otherwise. */
export async function verifyEd25519(jws: string, key: CryptoKey): Promise<Record<string, unknown>> {
  const parts = jws.split(".");
  if (parts.length !== 3) throw new Error("not a compact JWS");
  const ok = await crypto.subtle.verify(
    { name: "Ed25519" },
    key,
    fromB64url(parts[2]),
    encoder.encode(`${parts[0]}.${parts[1]}`),
  );
  if (!ok) throw new Error("signature verification failed");
  return parseObject(parts[1], "payload");
}

function parseObject(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(fromB64url(part)));
  } catch {
    throw new Error(`its ${what} is not base64url JSON`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`its ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function b64url(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromB64url(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
  const s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
