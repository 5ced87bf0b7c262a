-- 0020: the tables the nightly chain fills in bulk keep no foreign keys: customer_value (value), customer_segment
-- (segments), customer_model_score and contract_model_score (scores). A nightly run writes about a million rows
-- into each (8.6M for the scores of 10 champions); checking every row's run, customer and contract cost about
-- 70 % of each row's insert and a third of the value step's COPY time, against a 60 s budget per step.
-- Their cascades did no work users relied on: no code deletes a customer, contract, value run or model version
-- (erasure and merges keep the customer row), and the scoring job, the one place that deletes a run (a rerun
-- for the same date), now deletes the run's rows itself in the same transaction. The rows are only ever read
-- joined to their run and customer, and written from them in the same job.
-- Their indexes on customer_id (and contract_id) go too: they existed for the foreign keys' cascades, and every read
-- names the run (the customer page: the newest run's row of the customer; the lapse watch, drill-downs and analytics:
-- a run's rows), which the primary key (run_id, customer_id) or (run_id, contract_id) serves. Each was one more
-- btree insert per row, in customer order across runs rather than appended.
ALTER TABLE customer_value DROP CONSTRAINT fk_customer_value_customer_id, DROP CONSTRAINT fk_customer_value_run_id;
ALTER TABLE customer_segment DROP CONSTRAINT fk_customer_segment_customer_id, DROP CONSTRAINT fk_customer_segment_run_id;
ALTER TABLE customer_model_score DROP CONSTRAINT fk_customer_model_score_customer_id, DROP CONSTRAINT fk_customer_model_score_run_id;
ALTER TABLE contract_model_score DROP CONSTRAINT fk_contract_model_score_contract_id,
    DROP CONSTRAINT fk_contract_model_score_customer_id, DROP CONSTRAINT fk_contract_model_score_run_id;
DROP INDEX ix_customer_value_customer_id;
DROP INDEX ix_customer_segment_customer_id;
DROP INDEX ix_customer_model_score_customer_id;
DROP INDEX ix_contract_model_score_contract_id;
DROP INDEX ix_contract_model_score_customer_id;
