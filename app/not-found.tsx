import type { Metadata } from "next";
import Link from "next/link";
import { SearchForm } from "@/components/ui/search-form";

export const metadata: Metadata = { title: "Page not found" };

export default function NotFound() {
  return (
    <div className="mx-auto max-w-xl py-16 text-center">
      <p className="text-sm font-semibold tracking-wide text-accent uppercase">404</p>
      <h1 className="mt-2 font-serif text-3xl font-bold sm:text-4xl">Page not found</h1>
      <p className="mt-3 text-muted">
        This story or page does not exist, or it is no longer here. Try a search, or go back to the latest news.
      </p>
      <SearchForm id="not-found-search" className="mx-auto mt-6 max-w-md" />
      <p className="mt-6">
        <Link href="/" className="font-semibold text-link underline underline-offset-2">
          Go to the front page
        </Link>
      </p>
    </div>
  );
}
