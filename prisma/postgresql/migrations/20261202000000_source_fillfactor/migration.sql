-- Room on each page of Source for the next version of its rows. A claim changes only the lease columns, which
-- no index covers, so PostgreSQL can write the new version beside the old one without new index entries: a
-- HOT update. It can only when the page has room for it, and a full page has none until it is pruned.
-- Applies to pages written from now on: existing rows move onto such pages as they are updated.
ALTER TABLE "Source" SET (fillfactor = 70);
