-- 0043: the VOC performance goals of issue 16 at 500,000 cases. The open cases (a quarter or less of all) in an index of
-- their own: the SLA run, the dashboard's open and breached card and the handlers' lists read only them. Keyed by a column
-- the SLA run does not write. (PostgreSQL also gets a covering index of the dashboard's columns; SQLite has no INCLUDE.)
CREATE INDEX "ix_voc_case_open" ON "voc_case" ("resolution_due_at") WHERE "state" NOT IN ('Resolved', 'Closed');
-- The case's product, copied from its contract when the case is opened (a contract keeps its product): the dashboard's
-- product table no longer reads a contract for each case.
ALTER TABLE "voc_case" ADD COLUMN "product_id" INTEGER NULL;
UPDATE "voc_case" SET "product_id" = (SELECT k."product_id" FROM "contract" k WHERE k."id" = "voc_case"."contract_id") WHERE "contract_id" IS NOT NULL;
