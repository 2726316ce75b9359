-- Stories: one event, covered by one or more sources (docs/decisions/0010). The "also covered by" clusters
-- are replaced by stories, and the story desk regroups recent articles itself.
DROP INDEX "Article_clusterId_idx";

ALTER TABLE "Article" DROP COLUMN "clusterId",
ADD COLUMN     "storyId" INTEGER;

CREATE TABLE "Story" (
    "id" INTEGER NOT NULL,
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "leadArticleId" INTEGER NOT NULL,
    "sourceCount" INTEGER NOT NULL DEFAULT 1,
    "articleCount" INTEGER NOT NULL DEFAULT 1,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "mergedIntoId" INTEGER,

    CONSTRAINT "Story_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "Story_slug_key" ON "Story"("slug");

CREATE INDEX "Story_sourceCount_updatedAt_idx" ON "Story"("sourceCount", "updatedAt");

CREATE INDEX "Article_storyId_idx" ON "Article"("storyId");

ALTER TABLE "Article" ADD CONSTRAINT "Article_storyId_fkey" FOREIGN KEY ("storyId") REFERENCES "Story"("id") ON DELETE SET NULL ON UPDATE CASCADE;
