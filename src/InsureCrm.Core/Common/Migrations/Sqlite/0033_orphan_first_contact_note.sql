-- 0033: what came of an orphan's first contact, as the consultant wrote it on the /orphans page (issue 15).
ALTER TABLE "orphan_case" ADD COLUMN "first_contact_note" TEXT NULL;
