import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import "./globals.css";
import { getEnv } from "@/lib/env";
import { getCategories, type CategorySummary } from "@/lib/queries/sources";
import { SiteFooter } from "@/components/ui/site-footer";
import { SiteHeader } from "@/components/ui/site-header";
import { THEME_INIT_SCRIPT } from "@/components/ui/theme";

// Every page reads the database (the nav lists categories): render per request, never at build time.
export const dynamic = "force-dynamic";

const DESCRIPTION =
  "Newswire gathers the latest stories from publishers’ RSS, Atom and JSON feeds and shows them as they break, linked to their originals.";

export async function generateMetadata(): Promise<Metadata> {
  // Read at request time: PUBLIC_URL belongs to the running server, not to the build.
  const { publicUrl } = getEnv();
  return {
    metadataBase: new URL(publicUrl),
    title: { default: "Newswire", template: "%s · Newswire" },
    description: DESCRIPTION,
    applicationName: "Newswire",
    openGraph: { siteName: "Newswire", type: "website", title: "Newswire", description: DESCRIPTION },
    twitter: { card: "summary" },
  };
}

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  colorScheme: "light dark",
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#fbfaf7" },
    { media: "(prefers-color-scheme: dark)", color: "#121212" },
  ],
};

async function loadCategories(): Promise<CategorySummary[]> {
  // The masthead must not take the whole site down: without categories the nav still has Home and Sources.
  try {
    return await getCategories();
  } catch (error) {
    console.error("layout: categories unavailable", error);
    return [];
  }
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const categories = await loadCategories();
  return (
    // The inline script sets data-theme before paint; React must not treat that as a mismatch.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_INIT_SCRIPT }} />
        {/* Here rather than in metadata.alternates, which each page's canonical would replace. */}
        <link rel="alternate" type="application/rss+xml" title="Newswire: latest stories" href="/feed.xml" />
      </head>
      <body className="flex min-h-dvh flex-col bg-paper text-ink antialiased">
        <a
          href="#main"
          className="sr-only z-50 rounded-md bg-ink px-4 py-2 font-semibold text-paper focus:not-sr-only focus:fixed focus:top-3 focus:left-3"
        >
          Skip to content
        </a>
        <SiteHeader categories={categories.map(({ slug, name }) => ({ slug, name }))} />
        <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 focus:outline-none sm:px-6 sm:py-8">
          {children}
        </main>
        <SiteFooter />
      </body>
    </html>
  );
}
