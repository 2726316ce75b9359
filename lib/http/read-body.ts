// Reading a request body in a route handler without ever holding more than its cap. server.ts refuses
// bodies over the route's cap before Next sees them (lib/http/body-limit.ts); this is the same rule where
// the body is consumed, for handlers run without server.ts and for caps tighter than the route's.
import { PayloadTooLargeError } from "../domain/errors";

/** The raw body; PayloadTooLargeError (413) as soon as the declared length or the bytes read pass `maxBytes`. */
export async function readBodyUpTo(request: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw new PayloadTooLargeError(maxBytes);
  if (request.body === null) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new PayloadTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The body as UTF-8 text, under the same rule. */
export async function readTextUpTo(request: Request, maxBytes: number): Promise<string> {
  return (await readBodyUpTo(request, maxBytes)).toString("utf8");
}
