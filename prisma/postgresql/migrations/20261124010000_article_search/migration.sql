-- Full-text search over titles and summaries: the PostgreSQL counterpart of the SQLite FTS5 table in
-- prisma/migrations/20261124010000_article_search (see docs/decisions/0004-postgresql-mode.md).
-- Prisma's schema language cannot describe a generated tsvector column: when generating later migrations
-- with `prisma migrate diff`, drop any statements it emits about "searchVector" or its index.
--
-- The CLI's driver adapter runs a migration by splitting it at every semicolon, so this file (comments
-- included) has none except those that end statements: no DO blocks, no multi-statement function bodies.

-- Accent folding as FTS5's remove_diacritics does it and lib/domain/headline.ts does in JavaScript:
-- decompose (NFKD) and drop the combining marks. Built in (PostgreSQL 14 or later, UTF8 database), so
-- no extension such as unaccent is needed. Queries fold their tsquery text with the same function.
CREATE FUNCTION newswire_search_fold(input text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN regexp_replace(normalize(input, NFKD), '[\u0300-\u036f]', '', 'g');

-- The 'simple' configuration lower-cases and neither stems nor drops stop words, like FTS5's unicode61
-- tokenizer. Titles weigh 'A' and summaries 'B': ranking puts titles above summaries (bm25 weighs them
-- 3:1 in SQLite), and story clustering matches titles only with 'word':A queries.
ALTER TABLE "Article" ADD COLUMN "searchVector" tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple'::regconfig, newswire_search_fold("title")), 'A') ||
    setweight(to_tsvector('simple'::regconfig, newswire_search_fold("summary")), 'B')
) STORED;

CREATE INDEX "Article_searchVector_idx" ON "Article" USING GIN ("searchVector");
