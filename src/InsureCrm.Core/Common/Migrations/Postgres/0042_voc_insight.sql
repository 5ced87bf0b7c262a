-- 0042: VOC as an asset (issue 16, item 7). The dashboard and the digest read the cases received in a range of weeks; the
-- orphan assignment counts a consultant's complaints of the last months (voc_case.agent_id).
CREATE INDEX ix_voc_case_received_at ON voc_case (received_at);
CREATE INDEX ix_voc_case_agent_id_received_at ON voc_case (agent_id, received_at);
-- The weekly digest sent for a week (Monday in Seoul), so the nightly step sends it once.
CREATE TABLE voc_digest_sent (
    week_start date NOT NULL,
    sent_at timestamp with time zone NOT NULL,
    recipients integer NOT NULL,
    CONSTRAINT pk_voc_digest_sent PRIMARY KEY (week_start)
);
