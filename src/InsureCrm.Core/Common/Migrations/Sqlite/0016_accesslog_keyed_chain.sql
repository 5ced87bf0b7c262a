-- 0016: the access log's chain is keyed (HMAC-SHA256 under a key outside the database). Each entry
-- carries its position in the chain; purge anchors are signed; the switch-over seal of a log that had
-- entries before (written in this migration's transaction by AccessLogSealStep, which holds the key)
-- keeps those entries verifiable with their SHA-256 chain. INSERT OR REPLACE deletes the conflicting
-- row without firing delete triggers (unless recursive_triggers is on), so an insert that names an
-- existing id is refused before it gets that far; an UPSERT's DO UPDATE fires the update triggers.
ALTER TABLE "access_log_entry" ADD COLUMN "seq" INTEGER NULL;
ALTER TABLE "access_log_anchor" ADD COLUMN "seq" INTEGER NULL;
ALTER TABLE "access_log_anchor" ADD COLUMN "signature" TEXT NULL;
CREATE TABLE "access_log_seal" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_access_log_seal" PRIMARY KEY AUTOINCREMENT,
    "legacy_through_id" INTEGER NOT NULL,
    "legacy_entries" INTEGER NOT NULL,
    "legacy_hash" TEXT NOT NULL,
    "anchor_id" INTEGER NULL,
    "anchor_hash" TEXT NULL,
    "signature" TEXT NOT NULL
);

CREATE TRIGGER access_log_entry_no_replace BEFORE INSERT ON access_log_entry
WHEN EXISTS (SELECT 1 FROM access_log_entry WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'access_log_entry is append-only'); END;
CREATE TRIGGER access_log_anchor_no_replace BEFORE INSERT ON access_log_anchor
WHEN EXISTS (SELECT 1 FROM access_log_anchor WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'access_log_anchor is append-only'); END;
CREATE TRIGGER access_log_seal_no_replace BEFORE INSERT ON access_log_seal
WHEN EXISTS (SELECT 1 FROM access_log_seal WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'access_log_seal is append-only'); END;
CREATE TRIGGER access_log_seal_append_only_update BEFORE UPDATE ON access_log_seal
BEGIN SELECT RAISE(ABORT, 'access_log_seal is append-only'); END;
CREATE TRIGGER access_log_seal_append_only_delete BEFORE DELETE ON access_log_seal
BEGIN SELECT RAISE(ABORT, 'access_log_seal is append-only'); END;

-- The record of access-right changes is append-only too (its retention purge deletes old rows, so only
-- rewriting is refused here): no UPDATE, and no REPLACE of an existing row.
CREATE TRIGGER access_right_change_append_only_update BEFORE UPDATE ON access_right_change
BEGIN SELECT RAISE(ABORT, 'access_right_change is append-only'); END;
CREATE TRIGGER access_right_change_no_replace BEFORE INSERT ON access_right_change
WHEN EXISTS (SELECT 1 FROM access_right_change WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'access_right_change is append-only'); END;
