-- 0010: lifecycle history per customer and dimension (insurance, loan); a row per state change.
CREATE TABLE "customer_lifecycle" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_customer_lifecycle" PRIMARY KEY AUTOINCREMENT,
    "customer_id" INTEGER NOT NULL,
    "dimension" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "since" TEXT NOT NULL,
    "until" TEXT NULL,
    "run_id" INTEGER NULL,
    CONSTRAINT "fk_customer_lifecycle_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE RESTRICT
);
CREATE INDEX "ix_customer_lifecycle_customer_id_dimension_since" ON "customer_lifecycle" ("customer_id", "dimension", "since");
