import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { getEnv } from "@/lib/env";
import { getArticleBySlug, getMoreFromSource } from "@/lib/queries/articles";
import { getStoryOfArticle } from "@/lib/queries/stories";
import { categoryName } from "@/lib/domain/category";
import { ArticleCard } from "@/components/articles/article-card";
import { categoryHref, sourceHref } from "@/components/articles/category";
import { formatAbsoluteTime } from "@/components/articles/format-time";
import { JsonLd } from "@/components/articles/json-ld";
import { StoryImage } from "@/components/articles/story-image";
import { TimeAgo } from "@/components/articles/time-ago";

export const dynamic = "force-dynamic";

type Params = Promise<{ slug: string }>;

// generateMetadata and the page ask for the same article: one query per request.
const loadArticle = cache((slug: string) => getArticleBySlug(slug));

function describe(summary: string): string | undefined {
  const text = summary.trim();
  if (!text) return undefined;
  return text.length > 200 ? `${text.slice(0, 197).trimEnd()}…` : text;
}

/** Many feeds carry only a summary: then the body would repeat the standfirst word for word. */
function hasMoreThanSummary(contentHtml: string, summary: string): boolean {
  const bodyText = contentHtml.replace(/<[^>]*>/g, " ").replace(/&[#\w]+;/g, "x").replace(/\s+/g, " ").trim();
  return bodyText.length > 0 && bodyText.length > summary.replace(/…$/, "").trim().length + 40;
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { slug } = await params;
  const article = await loadArticle(slug);
  if (!article) notFound();
  const canonical = `${getEnv().publicUrl}${article.path}`;
  const description = describe(article.summary);
  const images = article.imageUrl ? [article.imageUrl] : undefined;
  return {
    title: article.title,
    description,
    alternates: { canonical },
    authors: article.author ? [{ name: article.author }] : undefined,
    openGraph: {
      type: "article",
      url: canonical,
      title: article.title,
      description,
      siteName: "Newswire",
      images,
      publishedTime: article.publishedAt,
      modifiedTime: article.updatedAt,
      authors: article.author ? [article.author] : undefined,
      section: categoryName(article.category),
    },
    twitter: { card: "summary_large_image", title: article.title, description, images },
  };
}

export default async function ArticlePage({ params }: { params: Params }) {
  const { slug } = await params;
  const article = await loadArticle(slug);
  if (!article) notFound();

  const { publicUrl } = getEnv();
  const canonical = `${publicUrl}${article.path}`;
  const section = categoryName(article.category);
  const now = Date.now();
  const [more, coverage] = await Promise.all([getMoreFromSource(article.source.slug, article.id, 4), getStoryOfArticle(article)]);
  const alsoCovered = coverage?.others ?? [];
  const updated = Date.parse(article.updatedAt) - Date.parse(article.publishedAt) > 60_000;

  const newsArticle = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    headline: article.title,
    description: describe(article.summary),
    datePublished: article.publishedAt,
    dateModified: article.updatedAt,
    image: article.imageUrl ? [article.imageUrl] : undefined,
    author: article.author
      ? [{ "@type": "Person", name: article.author }]
      : [{ "@type": "Organization", name: article.source.name, url: article.source.siteUrl ?? undefined }],
    publisher: { "@type": "Organization", name: "Newswire", url: `${publicUrl}/` },
    mainEntityOfPage: { "@type": "WebPage", "@id": canonical },
    url: canonical,
    isBasedOn: article.url,
    articleSection: section,
  };
  const breadcrumbs = {
    "@context": "https://schema.org",
    "@type": "BreadcrumbList",
    itemListElement: [
      { "@type": "ListItem", position: 1, name: "Home", item: `${publicUrl}/` },
      { "@type": "ListItem", position: 2, name: section, item: `${publicUrl}${categoryHref(article.category)}` },
      { "@type": "ListItem", position: 3, name: article.title, item: canonical },
    ],
  };

  return (
    <>
      <JsonLd data={newsArticle} />
      <JsonLd data={breadcrumbs} />

      <article className="mx-auto max-w-3xl" data-testid="article" data-article-id={article.id}>
        <nav aria-label="Breadcrumb" className="mb-6 text-sm text-muted">
          <ol className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <li>
              <Link href="/" className="hover:text-ink hover:underline">
                Home
              </Link>
            </li>
            <li aria-hidden="true">/</li>
            <li>
              <Link href={categoryHref(article.category)} className="hover:text-ink hover:underline">
                {section}
              </Link>
            </li>
            <li aria-hidden="true">/</li>
            <li>
              <Link href={sourceHref(article.source.slug)} className="hover:text-ink hover:underline">
                {article.source.name}
              </Link>
            </li>
          </ol>
        </nav>

        <header className="border-b border-line pb-6">
          <h1 className="font-serif text-3xl leading-tight font-bold text-balance sm:text-4xl lg:text-5xl">{article.title}</h1>
          {article.summary ? <p className="mt-4 font-serif text-lg leading-relaxed text-muted sm:text-xl">{article.summary}</p> : null}
          <div className="mt-5 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-muted">
            {article.author ? <span className="font-semibold text-ink">By {article.author}</span> : null}
            <Link href={sourceHref(article.source.slug)} className="font-semibold text-link hover:underline">
              {article.source.name}
            </Link>
            <span aria-hidden="true">·</span>
            <time dateTime={article.publishedAt}>{formatAbsoluteTime(article.publishedAt)}</time>
            <span>
              (<TimeAgo iso={article.publishedAt} now={now} />)
            </span>
            {updated ? (
              <span>
                Updated <time dateTime={article.updatedAt}>{formatAbsoluteTime(article.updatedAt)}</time>
              </span>
            ) : null}
          </div>
        </header>

        {article.imageUrl ? (
          <figure className="mt-6" data-testid="article-image">
            <StoryImage src={article.imageUrl} priority />
          </figure>
        ) : null}

        {hasMoreThanSummary(article.contentHtml, article.summary) ? (
          // Sanitized at ingestion (lib/ingest): only an allow-list of tags and attributes is stored.
          <div className="article-body mt-8" dangerouslySetInnerHTML={{ __html: article.contentHtml }} />
        ) : null}

        <aside className="mt-10 rounded-md border border-line bg-surface p-5 sm:p-6">
          <p className="text-sm text-muted">This is a summary. The full story is published by {article.source.name}.</p>
          <a
            href={article.url}
            rel="noopener"
            data-testid="original-link"
            className="mt-3 inline-flex min-h-11 items-center gap-2 rounded-md bg-ink px-5 py-2 font-semibold text-paper hover:opacity-90"
          >
            Read the original at {article.source.name}
            <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
              <path d="M7 17 17 7M9 7h8v8" strokeLinecap="round" strokeLinejoin="round" />
            </svg>
          </a>
        </aside>
      </article>

      {alsoCovered.length > 0 ? (
        <section aria-labelledby="also-covered" data-testid="also-covered" className="mx-auto mt-14 max-w-3xl">
          <h2 id="also-covered" className="border-b-2 border-ink pb-2 font-serif text-xl font-bold">
            Also covered by
          </h2>
          <ul className="divide-y divide-line">
            {alsoCovered.map((other) => (
              <li key={other.id} className="flex flex-wrap items-baseline gap-x-3 py-3">
                <Link href={sourceHref(other.source.slug)} className="font-semibold text-link hover:underline">
                  {other.source.name}
                </Link>
                <Link href={other.path} className="font-serif hover:underline">
                  {other.title}
                </Link>
              </li>
            ))}
          </ul>
          <p className="mt-3 text-sm">
            <Link href={coverage!.story.path} className="font-semibold text-link underline underline-offset-2" data-testid="story-link">
              Full coverage: {coverage!.story.sourceCount} sources
            </Link>
          </p>
        </section>
      ) : null}

      {more.length > 0 ? (
        <section aria-labelledby="more-from" className="mx-auto mt-14 max-w-3xl">
          <h2 id="more-from" className="border-b-2 border-ink pb-2 font-serif text-xl font-bold">
            More from {article.source.name}
          </h2>
          <ul className="divide-y divide-line">
            {more.map((other) => (
              <li key={other.id} className="py-5">
                <ArticleCard article={other} now={now} variant="row" />
              </li>
            ))}
          </ul>
          <p className="mt-2 text-sm">
            <Link href={sourceHref(article.source.slug)} className="font-semibold text-link hover:underline">
              All stories from {article.source.name} →
            </Link>
          </p>
        </section>
      ) : null}
    </>
  );
}
