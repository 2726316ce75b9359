import { describe, expect, it } from "vitest";
import { sniffFeedFormat } from "./sniff";

describe("sniffFeedFormat", () => {
  it.each([
    ['<?xml version="1.0"?><rss version="2.0">', "rss"],
    ["<!-- c --><feed xmlns='http://www.w3.org/2005/Atom'>", "atom"],
    ['<rdf:RDF xmlns:rdf="x">', "rdf"],
    ['  {"version": "https://jsonfeed.org/version/1"}', "json"],
    ["<!doctype html><html>", "html"],
    ["<HTML><BODY>", "html"],
    ["<note/>", "unknown"],
  ])("%s → %s", (text, format) => {
    expect(sniffFeedFormat(text)).toBe(format);
  });
});
