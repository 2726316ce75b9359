// Reading a response body: the size cap (on the wire and after decompression), Content-Encoding decoders,
// and the capped reads used for bodies we only glance at.
import { Duplex, Readable, pipeline as pipelineStreams } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import type { Dispatcher } from "undici";
import { FeedFetchError } from "../../domain/errors";
import { describeError } from "./errors";

type ResponseData = Dispatcher.ResponseData;

// Redirect and error bodies are read only to keep the connection reusable; past this, drop the connection.
const DISCARD_LIMIT_BYTES = 64 * 1024;

export async function readBody(
  response: ResponseData,
  headers: Record<string, string>,
  maxBytes: number,
  signal: AbortSignal,
): Promise<Buffer> {
  const declaredLength = Number(headers["content-length"]);
  if (Number.isFinite(declaredLength) && declaredLength > maxBytes) {
    response.body.destroy();
    throw tooLarge(maxBytes, `declared Content-Length ${declaredLength}`);
  }
  const decoder = createDecoder(headers["content-encoding"]);
  const chunks: Buffer[] = [];
  // Counted as the decoder yields, so a compression bomb stops after maxBytes of output: zlib streams only
  // inflate as fast as this loop pulls, and throwing here makes pipeline destroy the decoder and the socket.
  const collect = async (source: AsyncIterable<Buffer>): Promise<void> => {
    let total = 0;
    for await (const chunk of source) {
      total += chunk.length;
      if (total > maxBytes) throw tooLarge(maxBytes, "body");
      chunks.push(chunk);
    }
  };
  // The wire is capped too: a stream of empty gzip members would otherwise decode to nothing forever.
  const capWire = capBytes(maxBytes);
  try {
    if (decoder === null) await pipeline(response.body, capWire, collect, { signal });
    else await pipeline(response.body, capWire, decoder, collect, { signal });
  } catch (error) {
    if (isDecodeError(error)) {
      throw new FeedFetchError(`Could not decode the ${headers["content-encoding"]} body: ${describeError(error)}`, "bad_encoding");
    }
    throw error;
  }
  return Buffer.concat(chunks);
}

function isDecodeError(error: unknown): boolean {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  // zlib reports Z_DATA_ERROR and friends; brotli reports ERR__ERROR_FORMAT_* style codes.
  return typeof code === "string" && /^(Z_|ERR__ERROR_|ERR_BROTLI)/.test(code);
}

function capBytes(maxBytes: number): (source: AsyncIterable<Buffer>) => AsyncGenerator<Buffer> {
  return async function* (source) {
    let total = 0;
    for await (const chunk of source) {
      total += chunk.length;
      if (total > maxBytes) throw tooLarge(maxBytes, "bytes received");
      yield chunk;
    }
  };
}

function tooLarge(maxBytes: number, what: string): FeedFetchError {
  return new FeedFetchError(`Feed exceeds the ${maxBytes}-byte limit (${what})`, "too_large");
}

/** A decoder for the response's Content-Encoding, or null for identity. */
function createDecoder(contentEncoding: string | undefined): Duplex | null {
  const codings = (contentEncoding ?? "")
    .split(",")
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== "" && coding !== "identity");
  if (codings.length === 0) return null;
  // Stacked codings ("gzip, br") are legal but unseen in practice for feeds; refusing them keeps one decoder.
  if (codings.length > 1) throw unsupportedEncoding(contentEncoding ?? "");
  const options = { finishFlush: zlib.constants.Z_SYNC_FLUSH }; // tolerate truncated streams, as browsers do
  switch (codings[0]) {
    case "gzip":
    case "x-gzip":
      return zlib.createGunzip(options);
    case "deflate":
      return Duplex.from(inflateZlibOrRaw);
    case "br":
      return zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
    default:
      throw unsupportedEncoding(codings[0]);
  }
}

function unsupportedEncoding(encoding: string): FeedFetchError {
  return new FeedFetchError(`Unsupported Content-Encoding "${encoding}"`, "unsupported_encoding");
}

/** "deflate" should be zlib-wrapped (RFC 9110), but some servers send raw deflate; peek at the header to tell. */
async function* inflateZlibOrRaw(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const firstChunk: Buffer = first.value;
  const options = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const inflater = hasZlibHeader(firstChunk) ? zlib.createInflate(options) : zlib.createInflateRaw(options);
  async function* rest(): AsyncGenerator<Buffer> {
    yield firstChunk;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  // pipeline ties the two together: when the consumer stops early, destroying the inflater ends the input too.
  yield* pipelineStreams(Readable.from(rest()), inflater, () => undefined);
}

function hasZlibHeader(chunk: Buffer): boolean {
  // RFC 1950: CM = 8 (deflate) in the low nibble, and the two header bytes form a multiple of 31.
  return chunk.length >= 2 && (chunk[0] & 0x0f) === 8 && ((chunk[0] << 8) | chunk[1]) % 31 === 0;
}

/** The start of a response body as text; stops reading (and drops the connection) past `maxBytes`. */
export async function readCappedText(response: ResponseData, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    total += chunk.length;
    if (total >= maxBytes) {
      response.body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString("utf8");
}

export async function discardBody(response: ResponseData, signal: AbortSignal): Promise<void> {
  await response.body.dump({ signal, limit: DISCARD_LIMIT_BYTES }).catch(() => undefined);
}
