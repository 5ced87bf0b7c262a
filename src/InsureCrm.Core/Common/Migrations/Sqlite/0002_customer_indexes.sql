-- 0002: identity merges and per-customer reads re-point and read riders and status history by customer.
CREATE INDEX ix_contract_rider_customer_id ON contract_rider (customer_id);
CREATE INDEX ix_contract_status_change_customer_id ON contract_status_change (customer_id);
