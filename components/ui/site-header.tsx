// The masthead: site name, search, theme toggle, and the section nav (Home, categories, Sources).
import Link from "next/link";
import { categoryHref } from "@/components/articles/category";
import { NavLink } from "./nav-link";
import { SearchForm } from "./search-form";
import { ThemeToggle } from "./theme-toggle";

export type NavCategory = { slug: string; name: string };

export function SiteHeader({ categories }: { categories: NavCategory[] }) {
  return (
    <header className="border-b border-line bg-paper">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-3 px-4 pt-4 pb-3 sm:px-6">
        <Link href="/" className="mr-auto flex min-w-0 flex-col leading-none" aria-label="Newswire, home">
          <span className="font-serif text-3xl font-black tracking-tight text-ink sm:text-4xl">Newswire</span>
          <span className="mt-1 hidden text-xs font-medium tracking-wide text-muted uppercase sm:block">
            Live news from the open web
          </span>
        </Link>
        <SearchForm className="order-last w-full sm:order-none sm:w-72" />
        <ThemeToggle />
      </div>
      <nav aria-label="Sections" className="border-t border-line">
        {/* Scrolls sideways on narrow screens instead of wrapping into a tall block. */}
        <ul className="mx-auto flex max-w-6xl gap-5 overflow-x-auto px-4 sm:px-6">
          <li>
            <NavLink href="/" exact>
              Home
            </NavLink>
          </li>
          {categories.map((category) => (
            <li key={category.slug}>
              <NavLink href={categoryHref(category.slug)}>{category.name}</NavLink>
            </li>
          ))}
          <li>
            <NavLink href="/sources">Sources</NavLink>
          </li>
          <li>
            <NavLink href="/search">Search</NavLink>
          </li>
        </ul>
      </nav>
    </header>
  );
}
