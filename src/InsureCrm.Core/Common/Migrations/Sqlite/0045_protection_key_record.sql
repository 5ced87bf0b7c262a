-- 0045: which keys protect this database's data (ProtectionKeyCheck); see the PostgreSQL script.
CREATE TABLE "protection_key_record" (
    "name" TEXT NOT NULL CONSTRAINT "pk_protection_key_record" PRIMARY KEY,
    "check_value" TEXT NOT NULL,
    "recorded_at" TEXT NOT NULL
);
