-- 0023: the access log is vacuumed by the nightly chain's access-log step, not by autovacuum while staff work.
-- Autovacuum visits a table after inserts of 1,000 rows plus a fifth of its size; a young, busy access log (one
-- entry per customer a search lists) met that every minute or so, and each visit took CPU from the searches that
-- append to it. Only the insert-triggered visit is turned off, for this table only: deletions by the retention
-- purge still trigger vacuum, ANALYZE keeps its schedule, and the anti-wraparound vacuum stays as a safety net.
ALTER TABLE access_log_entry SET (autovacuum_vacuum_insert_threshold = -1);
