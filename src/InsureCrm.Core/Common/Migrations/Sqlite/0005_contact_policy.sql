-- 0005: the financial do-not-call registry (두낫콜), matched by the keyed hash of the number (docs/consent.md).
CREATE TABLE "do_not_call" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_do_not_call" PRIMARY KEY AUTOINCREMENT,
    "phone_hash" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "registered_on" TEXT NOT NULL,
    "expires_on" TEXT NOT NULL,
    "source_file" TEXT NOT NULL,
    "imported_by" TEXT NOT NULL,
    "imported_at" TEXT NOT NULL
);
CREATE UNIQUE INDEX "ix_do_not_call_phone_hash_scope_registered_on" ON "do_not_call" ("phone_hash", "scope", "registered_on");
