import { describe, expect, it } from "vitest";
import { withFilterParams } from "./live-filter";

describe("withFilterParams", () => {
  it("adds the source and the category a filter names, and nothing for an empty filter", () => {
    expect(withFilterParams({ source: "bbc", category: "world" }, new URLSearchParams({ cursor: "42" })).toString()).toBe("cursor=42&source=bbc&category=world");
    expect(withFilterParams({}, new URLSearchParams()).toString()).toBe("");
  });
});
