-- 0016: nightly runs skip a customer (or agent) whose stored values are out of range instead of failing:
-- value runs record each skipped customer per step, model score runs the count by reason.
ALTER TABLE value_run ADD COLUMN skipped integer NOT NULL DEFAULT 0;

CREATE TABLE value_run_skip (
    run_id bigint NOT NULL,
    step character varying(16) NOT NULL,
    customer_id bigint NOT NULL,
    contract_id bigint,
    reason character varying(40) NOT NULL,
    CONSTRAINT pk_value_run_skip PRIMARY KEY (run_id, step, customer_id),
    CONSTRAINT fk_value_run_skip_customer_id FOREIGN KEY (customer_id) REFERENCES customer (id) ON DELETE CASCADE,
    CONSTRAINT fk_value_run_skip_run_id FOREIGN KEY (run_id) REFERENCES value_run (id) ON DELETE CASCADE
);
CREATE INDEX ix_value_run_skip_customer_id ON value_run_skip (customer_id);

ALTER TABLE model_score_run ADD COLUMN skipped integer NOT NULL DEFAULT 0;
ALTER TABLE model_score_run ADD COLUMN skip_reasons character varying(2000) NOT NULL DEFAULT '{}';
