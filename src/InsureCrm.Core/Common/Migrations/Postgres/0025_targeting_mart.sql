-- 0025: the targeting mart (issue 12's speed goals; docs/campaigns.md "The targeting mart"): one narrow row per live
-- customer with what the rule builder asks of them (age and kind, active contracts and the product families held as
-- bits, the servicing agent of the newest active contract, grade and cell of the mart's value run, current lifecycle
-- states, region, reach and consent in effect on the refresh date), so that a rule is one scan of this table instead
-- of a correlated subquery per condition and customer. Refreshed whole by the nightly chain's targeting step and
-- whenever it is missing or older than the newest completed value run; merges and erasures apply live.
CREATE TABLE customer_target (
    customer_id bigint NOT NULL,
    kind character varying(24) NOT NULL,
    gender character varying(24) NOT NULL,
    birth_date date,
    active_contracts integer NOT NULL,
    families integer NOT NULL,
    orphaned boolean NOT NULL,
    loan_active boolean NOT NULL,
    agent_id bigint,
    branch_id bigint,
    grade character varying(8),
    total_value double precision,
    grid_cell character varying(24),
    needs_group integer,
    strategy character varying(24),
    lifecycle_insurance character varying(24),
    lifecycle_loan character varying(24),
    sido character varying(40),
    has_email boolean NOT NULL,
    has_mobile boolean NOT NULL,
    has_phone boolean NOT NULL,
    has_address boolean NOT NULL,
    consent_visit boolean NOT NULL,
    consent_phone boolean NOT NULL,
    consent_sms boolean NOT NULL,
    consent_email boolean NOT NULL,
    consent_dm boolean NOT NULL,
    CONSTRAINT pk_customer_target PRIMARY KEY (customer_id)
);

-- One row: when the mart was built, as of which business date (consent in effect), from which value run, how many rows.
CREATE TABLE customer_target_refresh (
    id integer NOT NULL,
    as_of date NOT NULL,
    refreshed_at timestamp with time zone NOT NULL,
    value_run_id bigint,
    customers bigint NOT NULL,
    CONSTRAINT pk_customer_target_refresh PRIMARY KEY (id),
    CONSTRAINT ck_customer_target_refresh_one CHECK (id = 1)
);
