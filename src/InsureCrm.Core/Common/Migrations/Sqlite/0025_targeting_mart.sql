-- 0025: the targeting mart, as on PostgreSQL. Flags are INTEGER 0/1 and dates TEXT, as EF maps them on SQLite.
CREATE TABLE "customer_target" (
    "customer_id" INTEGER NOT NULL CONSTRAINT "pk_customer_target" PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "gender" TEXT NOT NULL,
    "birth_date" TEXT NULL,
    "active_contracts" INTEGER NOT NULL,
    "families" INTEGER NOT NULL,
    "orphaned" INTEGER NOT NULL,
    "loan_active" INTEGER NOT NULL,
    "agent_id" INTEGER NULL,
    "branch_id" INTEGER NULL,
    "grade" TEXT NULL,
    "total_value" REAL NULL,
    "grid_cell" TEXT NULL,
    "needs_group" INTEGER NULL,
    "strategy" TEXT NULL,
    "lifecycle_insurance" TEXT NULL,
    "lifecycle_loan" TEXT NULL,
    "sido" TEXT NULL,
    "has_email" INTEGER NOT NULL,
    "has_mobile" INTEGER NOT NULL,
    "has_phone" INTEGER NOT NULL,
    "has_address" INTEGER NOT NULL,
    "consent_visit" INTEGER NOT NULL,
    "consent_phone" INTEGER NOT NULL,
    "consent_sms" INTEGER NOT NULL,
    "consent_email" INTEGER NOT NULL,
    "consent_dm" INTEGER NOT NULL
);

CREATE TABLE "customer_target_refresh" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_customer_target_refresh" PRIMARY KEY CHECK ("id" = 1),
    "as_of" TEXT NOT NULL,
    "refreshed_at" TEXT NOT NULL,
    "value_run_id" INTEGER NULL,
    "customers" INTEGER NOT NULL
);
