-- 0011: per value run, each customer's grid cell, needs group and strategy, and the needs-group profiles.
CREATE TABLE customer_segment (
    run_id bigint NOT NULL,
    customer_id bigint NOT NULL,
    grid_cell character varying(24) NOT NULL,
    needs_group integer NOT NULL,
    strategy character varying(24) NOT NULL,
    channels character varying(64) NOT NULL,
    service_level character varying(24) NOT NULL,
    CONSTRAINT pk_customer_segment PRIMARY KEY (run_id, customer_id),
    CONSTRAINT fk_customer_segment_customer_id FOREIGN KEY (customer_id) REFERENCES customer (id) ON DELETE CASCADE,
    CONSTRAINT fk_customer_segment_run_id FOREIGN KEY (run_id) REFERENCES value_run (id) ON DELETE CASCADE
);

CREATE TABLE segment_profile (
    run_id bigint NOT NULL,
    needs_group integer NOT NULL,
    size integer NOT NULL,
    share double precision NOT NULL,
    profile character varying(8000) NOT NULL,
    CONSTRAINT pk_segment_profile PRIMARY KEY (run_id, needs_group),
    CONSTRAINT fk_segment_profile_run_id FOREIGN KEY (run_id) REFERENCES value_run (id) ON DELETE CASCADE
);

CREATE INDEX ix_customer_segment_customer_id ON customer_segment (customer_id);
