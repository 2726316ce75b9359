-- Full-text search over titles and summaries (SQLite FTS5), kept in step with Article by triggers.
-- Prisma's schema language cannot describe virtual tables: when generating later migrations with
-- `prisma migrate diff`, drop any statements it emits for ArticleSearch* (see docs/decisions/0003).
CREATE VIRTUAL TABLE "ArticleSearch" USING fts5(
    title,
    summary,
    content='Article',
    content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);

INSERT INTO "ArticleSearch"(rowid, title, summary) SELECT id, title, summary FROM "Article";

CREATE TRIGGER "Article_search_insert" AFTER INSERT ON "Article" BEGIN
    INSERT INTO "ArticleSearch"(rowid, title, summary) VALUES (new.id, new.title, new.summary);
END;

CREATE TRIGGER "Article_search_delete" AFTER DELETE ON "Article" BEGIN
    INSERT INTO "ArticleSearch"("ArticleSearch", rowid, title, summary) VALUES ('delete', old.id, old.title, old.summary);
END;

CREATE TRIGGER "Article_search_update" AFTER UPDATE OF title, summary ON "Article" BEGIN
    INSERT INTO "ArticleSearch"("ArticleSearch", rowid, title, summary) VALUES ('delete', old.id, old.title, old.summary);
    INSERT INTO "ArticleSearch"(rowid, title, summary) VALUES (new.id, new.title, new.summary);
END;
