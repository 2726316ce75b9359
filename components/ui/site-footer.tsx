import Link from "next/link";

export function SiteFooter() {
  return (
    <footer className="mt-16 border-t border-line bg-paper">
      <div className="mx-auto flex max-w-6xl flex-col gap-4 px-4 py-8 text-sm text-muted sm:flex-row sm:items-start sm:justify-between sm:px-6">
        <div className="max-w-prose">
          <p className="font-serif text-lg font-bold text-ink">Newswire</p>
          <p className="mt-1">
            Headlines gathered from publishers&rsquo; public feeds, updated live. Every story links to its original.
          </p>
        </div>
        <nav aria-label="Footer">
          <ul className="flex flex-wrap gap-x-5 gap-y-2">
            <li>
              <Link href="/sources" className="underline-offset-2 hover:text-ink hover:underline">
                Sources and their status
              </Link>
            </li>
            <li>
              <Link href="/search" className="underline-offset-2 hover:text-ink hover:underline">
                Search
              </Link>
            </li>
            <li>
              <a href="/feed.xml" className="underline-offset-2 hover:text-ink hover:underline">
                RSS feed
              </a>
            </li>
          </ul>
        </nav>
      </div>
    </footer>
  );
}
