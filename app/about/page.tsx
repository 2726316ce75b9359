import type { Metadata } from "next";
import { getEnv } from "@/lib/env";

export async function generateMetadata(): Promise<Metadata> {
  return {
    title: "About",
    description: "What Newswire is, where its stories come from, and how it keeps feeds safe.",
    alternates: { canonical: `${getEnv().publicUrl}/about` },
  };
}

export default function AboutPage() {
  return (
    <main id="main" className="mx-auto w-full max-w-3xl px-4 py-10">
      <h1 className="font-serif text-3xl font-bold">About Newswire</h1>
      <div className="mt-6 space-y-4 leading-relaxed">
        <p>
          Newswire gathers stories from publishers’ RSS, Atom and JSON feeds and shows them the moment they are
          published. Every story links to its original; we show the headline, a short summary and, where the
          feed provides it, the publisher’s own text, cleaned of scripts and trackers.
        </p>
        <p>
          Feeds are checked politely: we ask only for what changed, back off when a publisher is busy, and check
          quiet feeds less often. The <a className="underline" href="/sources">sources page</a> lists every feed with
          when it last answered and what went wrong if it did not.
        </p>
        <p>
          Newswire is open source. It needs no account and sets no tracking cookies.
        </p>
      </div>
    </main>
  );
}
