-- 0006: data-subject rights: encrypted passport / driver-licence / bank-account numbers, erasures and legal retention.
CREATE TABLE "customer_identifier" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_customer_identifier" PRIMARY KEY AUTOINCREMENT,
    "customer_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "cipher" TEXT NOT NULL,
    "hash" TEXT NULL,
    "masked" TEXT NOT NULL,
    "bank_code" TEXT NULL,
    "recorded_at" TEXT NOT NULL,
    CONSTRAINT "fk_customer_identifier_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE
);
CREATE INDEX "ix_customer_identifier_customer_id" ON "customer_identifier" ("customer_id");
CREATE INDEX "ix_customer_identifier_hash" ON "customer_identifier" ("hash");

CREATE TABLE "customer_erasure" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_customer_erasure" PRIMARY KEY AUTOINCREMENT,
    "customer_id" INTEGER NOT NULL,
    "requested_at" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "erased_fields" TEXT NOT NULL,
    "purge_due" TEXT NOT NULL,
    "purged_at" TEXT NULL,
    CONSTRAINT "fk_customer_erasure_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE RESTRICT
);
CREATE UNIQUE INDEX "ix_customer_erasure_customer_id" ON "customer_erasure" ("customer_id");

CREATE TABLE "customer_retention" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_customer_retention" PRIMARY KEY AUTOINCREMENT,
    "customer_id" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "retain_until" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "purged_at" TEXT NULL,
    CONSTRAINT "fk_customer_retention_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE RESTRICT
);
CREATE INDEX "ix_customer_retention_customer_id" ON "customer_retention" ("customer_id");
CREATE INDEX "ix_customer_retention_retain_until" ON "customer_retention" ("retain_until");
