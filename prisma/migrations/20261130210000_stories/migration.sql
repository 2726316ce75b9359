-- Stories: one event, covered by one or more sources (docs/decisions/0010). Written by hand: the generated
-- version rebuilds "Article", which would drop the full-text search triggers (docs/decisions/0003).
CREATE TABLE "Story" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "leadArticleId" INTEGER NOT NULL,
    "sourceCount" INTEGER NOT NULL DEFAULT 1,
    "articleCount" INTEGER NOT NULL DEFAULT 1,
    "firstSeenAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "mergedIntoId" INTEGER
);
CREATE UNIQUE INDEX "Story_slug_key" ON "Story"("slug");
CREATE INDEX "Story_sourceCount_updatedAt_idx" ON "Story"("sourceCount", "updatedAt");

ALTER TABLE "Article" ADD COLUMN "storyId" INTEGER REFERENCES "Story" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
CREATE INDEX "Article_storyId_idx" ON "Article"("storyId");

-- The "also covered by" clusters are replaced by stories; the story desk regroups recent articles itself.
DROP INDEX "Article_clusterId_idx";
ALTER TABLE "Article" DROP COLUMN "clusterId";
