-- /sources lists sources by name, then id, a page at a time (docs/decisions/0011): this index makes each page
-- a range read instead of a sort of the whole table.
CREATE INDEX "Source_name_id_idx" ON "Source"("name", "id");
