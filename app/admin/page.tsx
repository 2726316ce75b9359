import type { Metadata } from "next";
import { getSources } from "@/lib/queries/sources";
import type { SourceHealth } from "@/lib/domain/article";
import { CATEGORY_SLUG_MAX_LENGTH, SLUG_INPUT_PATTERN } from "@/lib/domain/slug";
import { explainFetchError, sourceStatus } from "@/components/articles/source-health";
import { TimeAgo } from "@/components/articles/time-ago";
import { addSourceAction, importOpmlAction, refreshSourceAction, removeSourceAction, signIn, signOut } from "./actions";
import { flashMessage } from "./flash";
import { isSignedIn } from "./session";

export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "Admin",
  description: "Manage Newswire's sources.",
  robots: { index: false, follow: false },
};

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const field = "w-full rounded border border-line bg-paper px-3 py-2 text-ink focus:outline-2 focus:outline-offset-1";
const button = "rounded border border-ink px-3 py-1.5 text-sm font-semibold hover:bg-sunken focus-visible:outline-2 focus-visible:outline-offset-2";

function Flash({ params, sourceName = () => undefined }: { params: Record<string, string | string[] | undefined>; sourceName?: (id: number) => string | undefined }) {
  const flash = flashMessage(params, sourceName);
  if (!flash) return null;
  const error = flash.kind === "error";
  return (
    <p role={error ? "alert" : "status"} data-testid="admin-flash" className={`mb-6 rounded border px-4 py-3 ${error ? "border-bad text-bad" : "border-ok text-ok"}`}>
      {flash.text}
    </p>
  );
}

export default async function AdminPage({ searchParams }: Props) {
  const params = await searchParams;
  if (!(await isSignedIn())) {
    return (
      <div className="mx-auto max-w-md py-10">
        <h1 className="font-serif text-3xl font-bold">Admin sign-in</h1>
        <Flash params={params} />
        <form action={signIn} className="mt-6 space-y-4">
          <label className="block">
            <span className="mb-1 block font-semibold">Admin token</span>
            <input className={field} type="password" name="token" autoComplete="current-password" required />
          </label>
          <button className={button} type="submit">Sign in</button>
        </form>
      </div>
    );
  }

  const sources = await getSources();
  // Errors first: what needs attention is at the top.
  const ordered = [...sources].sort((a, b) => Number(sourceStatus(b) === "failing") - Number(sourceStatus(a) === "failing") || b.errorCount - a.errorCount || a.name.localeCompare(b.name));
  const failing = sources.filter((source) => sourceStatus(source) === "failing").length;
  const now = Date.now();

  return (
    <div className="space-y-10">
      <header className="flex flex-wrap items-end justify-between gap-4 border-b-2 border-ink pb-3">
        <div>
          <h1 className="font-serif text-3xl font-bold">Admin</h1>
          <p className="mt-1 text-muted">
            {sources.length} sources, {failing} failing.
          </p>
        </div>
        <form action={signOut}>
          <button className={button} type="submit">Sign out</button>
        </form>
      </header>
      <Flash params={params} sourceName={(id) => sources.find((source) => source.id === id)?.name} />

      <section aria-labelledby="add-source">
        <h2 id="add-source" className="font-serif text-2xl font-bold">Add a source</h2>
        <form action={addSourceAction} className="mt-4 grid gap-3 md:grid-cols-[2fr_1fr_1fr_auto] md:items-end">
          <label className="block">
            <span className="mb-1 block text-sm font-semibold">Feed or site URL</span>
            <input className={field} type="url" name="url" required placeholder="https://example.com/feed.xml" />
          </label>
          <label className="block">
            <span className="mb-1 block text-sm font-semibold">Name (optional)</span>
            <input className={field} type="text" name="name" maxLength={120} />
          </label>
          <label className="block">
            <span className="mb-1 block text-sm font-semibold">Category (optional)</span>
            <input className={field} type="text" name="category" maxLength={CATEGORY_SLUG_MAX_LENGTH} pattern={SLUG_INPUT_PATTERN} placeholder="world" />
          </label>
          <button className={button} type="submit">Add</button>
        </form>
      </section>

      <section aria-labelledby="sources-health">
        <h2 id="sources-health" className="font-serif text-2xl font-bold">Sources</h2>
        <div className="mt-4 overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="admin-sources">
            <thead className="border-b border-line text-muted">
              <tr>
                <th scope="col" className="py-2 pr-4">Source</th>
                <th scope="col" className="py-2 pr-4">Health</th>
                <th scope="col" className="py-2 pr-4">Last success</th>
                <th scope="col" className="py-2 pr-4">Stories</th>
                <th scope="col" className="py-2">Actions</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {ordered.map((source) => (
                <SourceRow key={source.id} source={source} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="opml" className="grid gap-6 md:grid-cols-2">
        <div>
          <h2 id="opml" className="font-serif text-2xl font-bold">Import OPML</h2>
          <form action={importOpmlAction} className="mt-4 space-y-3">
            <label className="block">
              <span className="mb-1 block text-sm font-semibold">OPML file</span>
              <input className={field} type="file" name="file" accept=".opml,.xml,text/xml,text/x-opml,application/xml" />
            </label>
            <label className="block">
              <span className="mb-1 block text-sm font-semibold">…or paste it</span>
              <textarea className={`${field} h-28 font-mono text-xs`} name="opml" />
            </label>
            <button className={button} type="submit">Import</button>
          </form>
        </div>
        <div>
          <h2 className="font-serif text-2xl font-bold">Export</h2>
          <p className="mt-4">
            <a className="underline" href="/api/opml" download="newswire-sources.opml">
              Download every source as OPML
            </a>
          </p>
        </div>
      </section>
    </div>
  );
}

function SourceRow({ source, now }: { source: SourceHealth; now: number }) {
  const status = sourceStatus(source);
  return (
    <tr data-testid="admin-source-row" data-status={status} className="align-top">
      <td className="py-3 pr-4">
        <div className="font-semibold">{source.name}</div>
        <div className="break-all text-xs text-muted">{source.url}</div>
      </td>
      <td className="py-3 pr-4">
        {status === "failing" ? (
          <span className="text-bad">
            Failing ({source.errorCount}×): {explainFetchError(source.lastError)}
          </span>
        ) : status === "pending" ? (
          <span className="text-muted">Not checked yet</span>
        ) : (
          <span className="text-ok">Working</span>
        )}
      </td>
      <td className="py-3 pr-4">{source.lastSuccessAt ? <TimeAgo iso={source.lastSuccessAt} now={now} /> : "never"}</td>
      <td className="py-3 pr-4">{source.articleCount}</td>
      <td className="py-3">
        <div className="flex gap-2">
          <form action={refreshSourceAction}>
            <input type="hidden" name="id" value={source.id} />
            <button className={button} type="submit" aria-label={`Refresh ${source.name}`}>Refresh</button>
          </form>
          <form action={removeSourceAction}>
            <input type="hidden" name="id" value={source.id} />
            <button className={button} type="submit" aria-label={`Remove ${source.name}`}>Remove</button>
          </form>
        </div>
      </td>
    </tr>
  );
}
