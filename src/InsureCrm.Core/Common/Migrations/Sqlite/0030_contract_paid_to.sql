-- 0030: as on PostgreSQL. The contract's paid-to date (null = not imported) and the worklist build's partial index of the
-- premium-paying contracts by it.
ALTER TABLE "contract" ADD COLUMN "paid_to_date" TEXT NULL;
CREATE INDEX "ix_contract_premium_paying_paid_to" ON "contract" ("paid_to_date") WHERE "status" IN ('InForce', 'Reinstated') AND "payment_mode" <> 'LumpSum';
