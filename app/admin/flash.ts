// The notices /admin shows after a form. The redirect carries a code (and at most a few numbers), never a
// message: `/admin?error=<any text>` would otherwise let anyone put their words in an official-looking box on
// this site. Unknown codes show nothing.

export type FlashKind = "notice" | "error";

const ERRORS: Record<string, string> = {
  session_ended: "Your session has ended. Sign in again.",
  admin_disabled: "Admin is disabled: set ADMIN_TOKEN on the server.",
  wrong_token: "That token is not right.",
  too_many_attempts: "Too many wrong tokens from your address. Wait before trying again.",
  invalid_body: "Check the form: the URL must be http(s), the name at most 120 characters, the category a slug such as world.",
  url_not_allowed: "That URL is not allowed: it must be a public http(s) address.",
  fetch_failed: "That URL could not be fetched: it timed out, refused the connection or answered with an error.",
  not_a_feed: "That URL is not an RSS, Atom or JSON feed, and its page links to none.",
  source_exists: "That source is already on the list.",
  invalid_id: "That source id is not valid.",
  not_found: "No such source.",
  scheduler_unavailable: "The ingestion scheduler is not running.",
  opml_missing: "Choose an OPML file or paste its contents.",
  opml_too_large: "That OPML file is larger than 2 MiB.",
  invalid_opml: "That is not an OPML document we can read.",
  failed: "Something went wrong; the change was not made.",
};

const NOTICES: Record<string, string> = {
  added: "Added the source. Its stories will appear in a moment.",
  removed: "Source removed, with its stories.",
  refreshing: "Checking the source now.",
};

type Params = Record<string, string | string[] | undefined>;

/** A small non-negative integer from the query, or null: the only free values a flash may show. */
function count(params: Params, name: string): number | null {
  const value = params[name];
  return typeof value === "string" && /^\d{1,6}$/.test(value) ? Number(value) : null;
}

/**
 * The text for the flash in these query parameters, or null. `sourceName` resolves `source=<id>` (an "added"
 * notice names the source from the database, not from the URL).
 */
export function flashMessage(params: Params, sourceName: (id: number) => string | undefined): { kind: FlashKind; text: string } | null {
  const error = typeof params.error === "string" ? params.error : undefined;
  if (error !== undefined) {
    if (!Object.hasOwn(ERRORS, error)) return null;
    const retry = count(params, "retry");
    const wait = error === "too_many_attempts" && retry !== null ? ` Try again in ${Math.ceil(retry / 60)} min.` : "";
    return { kind: "error", text: ERRORS[error] + wait };
  }
  const notice = typeof params.notice === "string" ? params.notice : undefined;
  if (notice === undefined) return null;
  if (notice === "imported") {
    const imported = count(params, "imported");
    const skipped = count(params, "skipped");
    if (imported === null || skipped === null) return null;
    return { kind: "notice", text: `Imported ${imported}, skipped ${skipped}.` };
  }
  if (notice === "added") {
    const id = count(params, "source");
    const name = id === null ? undefined : sourceName(id);
    if (name !== undefined) return { kind: "notice", text: `Added ${name}. Its stories will appear in a moment.` };
  }
  return Object.hasOwn(NOTICES, notice) ? { kind: "notice", text: NOTICES[notice] } : null;
}
