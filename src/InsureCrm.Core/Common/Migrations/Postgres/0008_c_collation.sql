-- 0008: byte-order collation for hashes, source keys and phone digits (equality and prefix look-ups only);
-- the default ICU/libc collation compares them slowly and doubled the index cost of a bulk import.
ALTER TABLE customer ALTER COLUMN rrn_hash TYPE character varying(64) COLLATE "C";
ALTER TABLE customer_source_key ALTER COLUMN source_id TYPE character varying(40) COLLATE "C";
ALTER TABLE customer_phone ALTER COLUMN number TYPE character varying(20) COLLATE "C";
