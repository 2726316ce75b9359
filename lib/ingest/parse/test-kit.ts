// What the parse stage's tests share: one feed URL, parseFeed over a string or bytes, and the error a bad
// document throws. Imported by tests only.
import { parseFeed } from ".";

export const FEED_URL = "https://feeds.example/news.xml";

export const parse = (body: string | Buffer, contentType?: string) =>
  parseFeed(typeof body === "string" ? Buffer.from(body, "utf8") : body, { url: FEED_URL, contentType });

/** The error parsing `body` throws; fails the test if it parses. */
export async function parseError(body: string | Buffer): Promise<unknown> {
  try {
    await parse(body);
  } catch (error) {
    return error;
  }
  throw new Error("expected parseFeed to throw");
}
