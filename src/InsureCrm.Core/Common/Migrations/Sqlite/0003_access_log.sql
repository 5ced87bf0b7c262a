-- 0003: the access log of personal data (append-only, hash-chained).
CREATE TABLE "access_log_entry" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_access_log_entry" PRIMARY KEY AUTOINCREMENT,
    "at" TEXT NOT NULL,
    "user_id" INTEGER NULL,
    "user_name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "ip" TEXT NOT NULL,
    "customer_id" INTEGER NULL,
    "action" TEXT NOT NULL,
    "reason" TEXT NULL,
    "detail" TEXT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL
);
CREATE INDEX "ix_access_log_entry_at" ON "access_log_entry" ("at");
CREATE INDEX "ix_access_log_entry_customer_id_at" ON "access_log_entry" ("customer_id", "at");
CREATE INDEX "ix_access_log_entry_user_name_at" ON "access_log_entry" ("user_name", "at");
