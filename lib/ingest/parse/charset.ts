// Bytes → text. Feeds still arrive in every legacy charset, and the label can sit in three places.
// Precedence (the order XML-over-HTTP and browsers agree on): byte-order mark, then the HTTP
// Content-Type charset, then the document's own declaration (XML prolog or HTML meta), else UTF-8
// when the bytes are valid UTF-8, else windows-1252.

import { isUtf8 } from "node:buffer";
import iconv from "iconv-lite";

export type CharsetSource = "bom" | "header" | "document" | "default" | "fallback";

export type DecodedBody = {
  text: string;
  /** The charset the bytes were decoded with, as iconv-lite names it. */
  charset: string;
  /** Where that charset came from. */
  source: CharsetSource;
};

/** How far into the body a prolog or meta declaration is looked for (HTML's prescan uses 1024). */
const DECLARATION_WINDOW = 2048;

/**
 * Labels browsers decode as something wider than they say: "ISO-8859-1" and "ASCII" feeds are in
 * practice windows-1252 (curly quotes in 0x80-0x9F), GB2312 content is GBK, Shift_JIS is CP932.
 */
const WIDER_CHARSET: Record<string, string> = {
  "iso-8859-1": "windows-1252",
  iso88591: "windows-1252",
  latin1: "windows-1252",
  l1: "windows-1252",
  "us-ascii": "windows-1252",
  ascii: "windows-1252",
  gb2312: "gbk",
  "x-gbk": "gbk",
  "shift_jis": "cp932",
  "shift-jis": "cp932",
  sjis: "cp932",
  "x-sjis": "cp932",
  "ks_c_5601-1987": "cp949",
  "euc-kr": "cp949",
  "big5": "big5hkscs",
};

/** Normalises a declared label to one iconv-lite can decode, or null when it is unknown. */
export function canonicalCharset(label: string | null | undefined): string | null {
  if (!label) return null;
  const lower = label.trim().replace(/^["']|["']$/g, "").toLowerCase();
  if (!lower) return null;
  const name = WIDER_CHARSET[lower] ?? lower;
  if (name === "utf8" || name === "utf-8" || name === "unicode-1-1-utf-8") return "utf-8";
  return iconv.encodingExists(name) ? name : null;
}

function charsetFromContentType(contentType: string | null | undefined): string | null {
  const match = contentType?.match(/charset\s*=\s*["']?([^;"'\s]+)/i);
  return match ? canonicalCharset(match[1]) : null;
}

function charsetFromBom(bytes: Uint8Array): { charset: string; length: number } | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { charset: "utf-8", length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { charset: "utf-16le", length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { charset: "utf-16be", length: 2 };
  return null;
}

/** UTF-16 without a BOM still shows itself: ASCII markup interleaved with zero bytes. */
function sniffUtf16(bytes: Uint8Array): string | null {
  if (bytes.length < 4) return null;
  if (bytes[0] !== 0 && bytes[1] === 0 && bytes[2] !== 0 && bytes[3] === 0) return "utf-16le";
  if (bytes[0] === 0 && bytes[1] !== 0 && bytes[2] === 0 && bytes[3] !== 0) return "utf-16be";
  return null;
}

function charsetFromDocument(bytes: Uint8Array): string | null {
  // Every label we can act on is ASCII, and every charset that reaches here is ASCII-compatible
  // (UTF-16 was caught by BOM or sniffing), so reading the head as latin1 is enough to find it.
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, DECLARATION_WINDOW)).toString("latin1");
  const prolog = head.match(/^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([^"']+)["']/i);
  const meta = prolog ? null : head.match(/<meta\b[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)/i);
  const label = canonicalCharset(prolog?.[1] ?? meta?.[1]);
  // A document we just read as ASCII cannot really be UTF-16, whatever it says (HTML spec rule).
  if (label?.startsWith("utf-16") || label === "ucs2") return "utf-8";
  return label;
}

function decodeWith(bytes: Uint8Array, charset: string): string {
  if (charset === "utf-8") return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), charset);
}

/**
 * The prolog's `encoding` described the bytes; once they are text it would only mislead a parser
 * that honours it. Dropping the attribute leaves a valid declaration (encoding is optional).
 */
function dropPrologEncoding(text: string): string {
  return text.replace(/^(\s*<\?xml\b[^>]*?)\s+encoding\s*=\s*(["'])[^"']*\2/, "$1");
}

export function decodeBody(body: Uint8Array, contentType?: string | null): DecodedBody {
  let bytes = body;
  let charset: string;
  let source: CharsetSource;

  const bom = charsetFromBom(bytes);
  const header = charsetFromContentType(contentType);
  if (bom) {
    charset = bom.charset;
    source = "bom";
    bytes = bytes.subarray(bom.length);
  } else if (header) {
    charset = header;
    source = "header";
  } else {
    const declared = sniffUtf16(bytes) ?? charsetFromDocument(bytes);
    if (declared) {
      charset = declared;
      source = "document";
    } else if (isUtf8(bytes)) {
      charset = "utf-8";
      source = "default";
    } else {
      charset = "windows-1252";
      source = "fallback";
    }
  }

  // A header saying utf-16 on a body with a UTF-16 BOM of the other byte order is handled by the BOM
  // branch above; iconv strips a leading BOM for utf-16 itself, and we strip a stray U+FEFF for the rest.
  const text = decodeWith(bytes, charset).replace(/^\uFEFF/, "");
  return { text: dropPrologEncoding(text), charset, source };
}
