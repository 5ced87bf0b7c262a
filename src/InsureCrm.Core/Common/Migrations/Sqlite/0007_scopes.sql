-- 0007: the access log's guards. The chain's anchor after a retention purge, and triggers that refuse
-- UPDATE and DELETE of the log and its anchors. The retention purge (AccessLog.PurgeAsync) drops and
-- re-creates the delete trigger inside its own write transaction.
CREATE TABLE "access_log_anchor" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_access_log_anchor" PRIMARY KEY AUTOINCREMENT,
    "at" TEXT NOT NULL,
    "purged_through_id" INTEGER NOT NULL,
    "purged_count" INTEGER NOT NULL,
    "hash" TEXT NOT NULL
);

CREATE TRIGGER access_log_entry_append_only_update BEFORE UPDATE ON access_log_entry
BEGIN SELECT RAISE(ABORT, 'access_log_entry is append-only'); END;
CREATE TRIGGER access_log_entry_append_only_delete BEFORE DELETE ON access_log_entry
BEGIN SELECT RAISE(ABORT, 'access_log_entry is append-only'); END;
CREATE TRIGGER access_log_anchor_append_only_update BEFORE UPDATE ON access_log_anchor
BEGIN SELECT RAISE(ABORT, 'access_log_anchor is append-only'); END;
CREATE TRIGGER access_log_anchor_append_only_delete BEFORE DELETE ON access_log_anchor
BEGIN SELECT RAISE(ABORT, 'access_log_anchor is append-only'); END;
