/** Reads bodies without ever holding more than the allowed number of bytes. */
import { HeroError } from "../errors/hero_error.ts";

/** Reads `request`'s body, throwing `BODY_TOO_LARGE` as soon as it passes `maxBytes`. */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (Number.isFinite(declared)) return await request.text();
  if (!request.body) return "";
  return new TextDecoder().decode(await readStreamBounded(request.body, maxBytes));
}

/** Reads a whole byte stream, cancelling it and throwing `BODY_TOO_LARGE` past `maxBytes`. */
export async function readStreamBounded(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.byteLength;
  }
  return all;
}

function tooLarge(maxBytes: number): HeroError {
  return new HeroError("BODY_TOO_LARGE", `Body exceeds the limit of ${maxBytes} bytes`, {
    details: { maxBytes },
  });
}
