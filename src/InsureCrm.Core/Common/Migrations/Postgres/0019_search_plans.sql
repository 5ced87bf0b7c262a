-- 0019: search plans that hold whether or not the tables have statistics (a fresh load before ANALYZE).
--
-- The merged_into_id index holds only merged customers. A full index let the planner, without statistics,
-- combine it with every search's "merged_into_id IS NULL" (estimated at 0.5 % of the rows; in fact nearly all
-- of them) and read the whole index and much of the table: a name or RRN search took 60-250 ms instead of
-- 1 ms. A partial index cannot serve IS NULL, and still serves what the index is for: following
-- merged_into_id = x (identity resolution's re-pointing and undo, the merge chain).
DROP INDEX ix_customer_merged_into_id;
CREATE INDEX ix_customer_merged_into_id ON customer (merged_into_id) WHERE merged_into_id IS NOT NULL;

-- A customer's phones and addresses by customer, primary first: the order in which every list shows them and
-- from which a search hit, a masked contact and the analytics' region take the first one. The index hands over
-- that first row without a sort, so the planner prices "the first phone of each hit" at one index probe even
-- without statistics (it priced a sort of 5,000 rows per hit, and JIT-compiled every search for 20-80 ms).
-- They replace the indexes on customer_id alone, which they serve as well.
DROP INDEX ix_customer_phone_customer_id;
CREATE INDEX ix_customer_phone_customer_id_is_primary_id ON customer_phone (customer_id, is_primary DESC, id);
DROP INDEX ix_customer_address_customer_id;
CREATE INDEX ix_customer_address_customer_id_is_primary_id ON customer_address (customer_id, is_primary DESC, id);
