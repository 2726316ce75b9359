// Feed errors are recognised by name across copies of this module: Next bundles route handlers with their own
// copy, and errors from the server's parse pool are instances of the server's.
import { describe, expect, it } from "vitest";
import { FeedFetchError, FeedParseError, FeedProcessingError } from "./errors";

/** What the same class looks like when it comes from another bundle's copy of this module. */
function fromAnotherCopy(name: string): Error {
  const error = new Error("from the other copy");
  error.name = name;
  return error;
}

describe("feed errors", () => {
  it("are instances of their class whichever copy of the module raised them", () => {
    expect(fromAnotherCopy("FeedParseError")).toBeInstanceOf(FeedParseError);
    expect(fromAnotherCopy("FeedFetchError")).toBeInstanceOf(FeedFetchError);
    expect(fromAnotherCopy("FeedProcessingError")).toBeInstanceOf(FeedProcessingError);
    expect(new FeedParseError("not a feed")).toBeInstanceOf(FeedParseError);
  });

  it("are not mistaken for one another or for other errors", () => {
    expect(new FeedParseError("not a feed")).not.toBeInstanceOf(FeedFetchError);
    expect(new FeedProcessingError("slow", "parse_timeout")).not.toBeInstanceOf(FeedParseError);
    expect(new Error("plain")).not.toBeInstanceOf(FeedParseError);
    expect({ name: "FeedParseError", message: "not an Error" }).not.toBeInstanceOf(FeedParseError);
  });
});
