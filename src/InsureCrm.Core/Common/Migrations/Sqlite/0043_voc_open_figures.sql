-- 0043: the VOC performance goals of issue 16 at 500,000 cases. The open cases (a quarter or less of all) in an index of
-- their own: the SLA run, the dashboard's open and breached card and the handlers' lists read only them. (PostgreSQL also
-- gets a covering index of the dashboard's columns; SQLite has no INCLUDE.)
-- Keyed by a column the SLA run does not write.
CREATE INDEX "ix_voc_case_open" ON "voc_case" ("resolution_due_at") WHERE "state" NOT IN ('Resolved', 'Closed');
