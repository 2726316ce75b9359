-- One check of a source at a time across instances, and refreshes asked for during a check (docs/decisions/0009).
ALTER TABLE "Source" ADD COLUMN "checkLeaseUntil" TIMESTAMP(3);
ALTER TABLE "Source" ADD COLUMN "refreshRequestedAt" TIMESTAMP(3);
