// The body of a story page: what the story is, who covers it, the first and the latest report, and every
// article on a timeline (oldest first, so the story reads as it unfolded). A server component.
import Link from "next/link";
import type { Story } from "@/lib/domain/story";
import type { Article } from "@/lib/domain/article";
import { sourceHref } from "@/components/articles/category";
import { formatAbsoluteTime } from "@/components/articles/format-time";
import { TimeAgo } from "@/components/articles/time-ago";

function byPublication(a: Article, b: Article): number {
  return Date.parse(a.publishedAt) - Date.parse(b.publishedAt) || a.id - b.id;
}

function Report({ label, article, now }: { label: string; article: Article; now: number }) {
  return (
    <div className="rounded-md border border-line p-4">
      <p className="text-xs font-semibold tracking-wide text-muted uppercase">{label}</p>
      <p className="mt-1 font-serif text-lg font-bold">
        <Link href={article.path} className="hover:underline">
          {article.title}
        </Link>
      </p>
      <p className="mt-1 text-sm text-muted">
        <Link href={sourceHref(article.source.slug)} className="font-semibold text-link hover:underline">
          {article.source.name}
        </Link>{" "}
        · <TimeAgo iso={article.publishedAt} now={now} />
      </p>
    </div>
  );
}

export function StoryCoverage({ story, now }: { story: Story; now: number }) {
  const timeline = [...story.articles].sort(byPublication);
  const earliest = timeline[0];
  const newest = timeline[timeline.length - 1];
  return (
    <article data-testid="story" data-story-id={story.id}>
      <header className="mb-8 border-b-2 border-ink pb-4">
        <p className="text-sm font-semibold tracking-wide text-accent-ink uppercase">Full coverage</p>
        <h1 className="mt-1 font-serif text-3xl font-bold text-balance sm:text-4xl">{story.title}</h1>
        <p className="mt-3 text-muted" data-testid="story-breadth">
          <strong className="text-ink">{story.sourceCount} sources</strong> · {story.articleCount} {story.articleCount === 1 ? "article" : "articles"} · first
          reported <TimeAgo iso={earliest?.publishedAt ?? story.firstSeenAt} now={now} />
        </p>
      </header>

      {earliest && newest ? (
        <div className="mb-10 grid gap-4 md:grid-cols-2">
          <Report label="First report" article={earliest} now={now} />
          {newest.id !== earliest.id ? <Report label="Latest" article={newest} now={now} /> : null}
        </div>
      ) : null}

      <section aria-labelledby="timeline">
        <h2 id="timeline" className="border-b-2 border-ink pb-2 font-serif text-xl font-bold">
          Timeline
        </h2>
        <ol className="divide-y divide-line" data-testid="story-timeline">
          {timeline.map((article) => (
            <li key={article.id} className="grid gap-1 py-4 sm:grid-cols-[9rem_1fr] sm:gap-6" data-testid="story-article">
              <time dateTime={article.publishedAt} className="text-sm text-muted">
                {formatAbsoluteTime(article.publishedAt)}
              </time>
              <div className="min-w-0">
                <p className="text-sm">
                  <Link href={sourceHref(article.source.slug)} className="font-semibold text-link hover:underline">
                    {article.source.name}
                  </Link>
                </p>
                <h3 className="font-serif text-lg font-bold">
                  <Link href={article.path} className="hover:underline">
                    {article.title}
                  </Link>
                </h3>
                {article.summary ? <p className="mt-1 line-clamp-3 text-muted">{article.summary}</p> : null}
              </div>
            </li>
          ))}
        </ol>
        {story.articleCount > story.articles.length ? (
          <p className="mt-4 text-sm text-muted">
            Showing the {story.articles.length} most recent of {story.articleCount} articles.
          </p>
        ) : null}
      </section>
    </article>
  );
}
