-- 0029: as on PostgreSQL. The worklist build's last coverage check per customer from an index of the coverage-check
-- interactions alone instead of a scan of every interaction, and the contracts maturing within the horizon by their date.
CREATE INDEX "ix_interaction_coverage_check" ON "interaction" ("customer_id", "occurred_at") WHERE "purpose" = 'CoverageCheck';
CREATE INDEX "ix_contract_maturity_date" ON "contract" ("maturity_date");
