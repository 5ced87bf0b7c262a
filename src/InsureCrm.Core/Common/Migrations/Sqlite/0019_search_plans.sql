-- 0019: as on PostgreSQL. The merged_into_id index holds only merged customers, so that no planner serves
-- every search's "merged_into_id IS NULL" (nearly every row) from it instead of the index that narrows the
-- search; it still serves merged_into_id = x. Phones and addresses are indexed by customer, primary first,
-- the order in which they are listed and the first one taken; these replace the indexes on customer_id alone.
DROP INDEX "ix_customer_merged_into_id";
CREATE INDEX "ix_customer_merged_into_id" ON "customer" ("merged_into_id") WHERE "merged_into_id" IS NOT NULL;

DROP INDEX "ix_customer_phone_customer_id";
CREATE INDEX "ix_customer_phone_customer_id_is_primary_id" ON "customer_phone" ("customer_id", "is_primary" DESC, "id");
DROP INDEX "ix_customer_address_customer_id";
CREATE INDEX "ix_customer_address_customer_id_is_primary_id" ON "customer_address" ("customer_id", "is_primary" DESC, "id");
