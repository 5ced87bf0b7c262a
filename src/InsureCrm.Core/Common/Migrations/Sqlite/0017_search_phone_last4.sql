-- 0016: the last four digits of every phone number, indexed, so that a search by the last four digits (the call
-- center's first question) is an index look-up rather than a scan of every phone. A virtual generated column:
-- computed from number on read, stored only in the index, and kept right by every write path (EF, bulk, import).
ALTER TABLE "customer_phone" ADD COLUMN "number_last4" TEXT NOT NULL GENERATED ALWAYS AS (substr("number", length("number") - 3)) VIRTUAL;

CREATE INDEX "ix_customer_phone_number_last4" ON "customer_phone" ("number_last4");
