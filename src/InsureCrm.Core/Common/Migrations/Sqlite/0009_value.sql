-- 0009: customer lifetime value: one value_run per computation, customer_value per customer and run (grade, explanation JSON).
CREATE TABLE "value_run" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_value_run" PRIMARY KEY AUTOINCREMENT,
    "run_date" TEXT NOT NULL,
    "started_at" TEXT NOT NULL,
    "finished_at" TEXT NULL,
    "status" TEXT NOT NULL,
    "options_hash" TEXT NOT NULL,
    "customers" INTEGER NOT NULL
);

CREATE TABLE "customer_value" (
    "run_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "experience_value" TEXT NOT NULL,
    "current_value" TEXT NOT NULL,
    "potential_value" TEXT NOT NULL,
    "total_value" TEXT NOT NULL,
    "grade" TEXT NULL,
    "explanation" TEXT NOT NULL,
    CONSTRAINT "pk_customer_value" PRIMARY KEY ("run_id", "customer_id"),
    CONSTRAINT "fk_customer_value_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_customer_value_run_id" FOREIGN KEY ("run_id") REFERENCES "value_run" ("id") ON DELETE CASCADE
);
CREATE INDEX "ix_customer_value_customer_id" ON "customer_value" ("customer_id");
CREATE INDEX "ix_value_run_run_date" ON "value_run" ("run_date");
