-- 0012: incremental and resumable value runs: the run keeps its mode, base run, persistency curves and
-- resume cursor; each customer's value keeps the fingerprint of its inputs.
ALTER TABLE value_run ADD COLUMN mode character varying(24) NOT NULL DEFAULT 'Full';
ALTER TABLE value_run ADD COLUMN base_run_id bigint;
ALTER TABLE value_run ADD COLUMN curves character varying(1000000);
ALTER TABLE value_run ADD COLUMN curves_hash character varying(64) NOT NULL DEFAULT '';
ALTER TABLE value_run ADD COLUMN curves_as_of date;
ALTER TABLE value_run ADD COLUMN processed_through bigint;
ALTER TABLE value_run ADD COLUMN recomputed integer NOT NULL DEFAULT 0;
ALTER TABLE customer_value ADD COLUMN fingerprint bigint NOT NULL DEFAULT 0;
