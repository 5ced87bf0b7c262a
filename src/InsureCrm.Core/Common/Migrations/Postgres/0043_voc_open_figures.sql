-- 0043: the VOC performance goals of issue 16 at 500,000 cases. The open cases (a quarter or less of all) in an index of
-- their own: the SLA run, the dashboard's open and breached card and the handlers' lists read only them. Keyed by a column
-- the SLA run does not write, so that its marks stay heap-only updates (no index entry written).
CREATE INDEX ix_voc_case_open ON voc_case (resolution_due_at) WHERE state NOT IN ('Resolved', 'Closed');
-- The case's product, copied from its contract when the case is opened (a contract keeps its product): the dashboard's
-- product table no longer reads a contract for each of the twelve weeks' cases.
ALTER TABLE voc_case ADD COLUMN product_id bigint;
UPDATE voc_case c SET product_id = k.product_id FROM contract k WHERE k.id = c.contract_id;
-- The dashboard's twelve weeks read from the index alone (an index-only scan, no visit to the wide case rows): every column
-- its figures group or count by. PostgreSQL only (SQLite has no INCLUDE); not in the EF model, which cannot say INCLUDE for
-- both providers.
CREATE INDEX ix_voc_case_received_at_figures ON voc_case (received_at) INCLUDE (type, category_code, channel, product_id, agent_id,
    originating_department_id, first_response_due_at, first_responded_at, resolution_due_at, resolved_at, repeat_of_id, satisfaction,
    cause, gap);
