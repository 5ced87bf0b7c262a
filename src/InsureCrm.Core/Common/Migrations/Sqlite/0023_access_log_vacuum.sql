-- 0023: on PostgreSQL the access log is vacuumed by the nightly chain rather than by autovacuum during the day.
-- SQLite has no autovacuum of this kind; the version is recorded so that both providers share one history.
SELECT 1;
