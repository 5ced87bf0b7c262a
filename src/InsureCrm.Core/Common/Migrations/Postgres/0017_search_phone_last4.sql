-- 0016: the last four digits of every phone number, indexed, so that a search by the last four digits (the call
-- center's first question) is an index look-up rather than a scan of every phone. A stored generated column
-- (PostgreSQL 15 has no virtual ones), kept right by every write path (EF, binary COPY, import).
ALTER TABLE customer_phone ADD COLUMN number_last4 character varying(4) COLLATE "C" NOT NULL
    GENERATED ALWAYS AS (substr(number, length(number) - 3)) STORED;

CREATE INDEX ix_customer_phone_number_last4 ON customer_phone (number_last4);
