/** Reads a request body as text without ever holding more than the allowed number of bytes. */
import { HeroError } from "../errors/hero_error.js";

/** Reads `request`'s body, throwing `BODY_TOO_LARGE` as soon as it passes `maxBytes`. */
export async function readBodyText(request         , maxBytes        )                  {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return "";
  if (Number.isFinite(declared)) return await request.text();
  const reader = request.body.getReader();
  const chunks               = [];
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
  return new TextDecoder().decode(all);
}

function tooLarge(maxBytes        )            {
  return new HeroError("BODY_TOO_LARGE", `Request body exceeds the limit of ${maxBytes} bytes`, {
    details: { maxBytes },
  });
}
