// The one line at the top of /sources that sums up every source's health. Pure: used by the server page.
import type { SourceSummary } from "@/lib/queries/sources";

const count = (n: number) => n.toLocaleString("en-US");

/** "10,000 publishers followed, 400 with a feed that is failing right now." and the like. */
export function describeSourceSummary({ total, failing, pending }: SourceSummary): string {
  if (total === 0) return "No sources yet.";
  const followed = `${count(total)} ${total === 1 ? "publisher" : "publishers"} followed`;
  if (failing > 0) return `${followed}, ${count(failing)} with a feed that is failing right now.`;
  if (pending === total) return `${followed}, none checked yet.`;
  if (pending > 0) return `${followed}, every feed checked so far working, ${count(pending)} not checked yet.`;
  return `${followed}, all feeds working.`;
}
