-- 0012: incremental and resumable value runs: the run keeps its mode, base run, persistency curves and
-- resume cursor; each customer's value keeps the fingerprint of its inputs.
ALTER TABLE "value_run" ADD COLUMN "mode" TEXT NOT NULL DEFAULT 'Full';
ALTER TABLE "value_run" ADD COLUMN "base_run_id" INTEGER NULL;
ALTER TABLE "value_run" ADD COLUMN "curves" TEXT NULL;
ALTER TABLE "value_run" ADD COLUMN "curves_hash" TEXT NOT NULL DEFAULT '';
ALTER TABLE "value_run" ADD COLUMN "curves_as_of" TEXT NULL;
ALTER TABLE "value_run" ADD COLUMN "processed_through" INTEGER NULL;
ALTER TABLE "value_run" ADD COLUMN "recomputed" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "customer_value" ADD COLUMN "fingerprint" INTEGER NOT NULL DEFAULT 0;
