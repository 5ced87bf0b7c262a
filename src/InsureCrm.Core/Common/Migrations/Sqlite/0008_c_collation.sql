-- 0008: nothing to do on SQLite, whose default collation (BINARY) already orders by bytes; kept so both
-- providers share one version sequence.
SELECT 1;
