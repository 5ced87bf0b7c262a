-- 0039: what VOC learns from text (issue 16). The classifier's suggestion of type and category with its confidence, kept
-- beside what staff confirmed (type, category_code); and the earlier case of the same customer about the same matter that
-- a new case repeats, with the matcher's score.
ALTER TABLE voc_case ADD COLUMN suggested_type character varying(24);
ALTER TABLE voc_case ADD COLUMN suggested_type_confidence double precision;
ALTER TABLE voc_case ADD COLUMN suggested_category_code character varying(40);
ALTER TABLE voc_case ADD COLUMN suggested_category_confidence double precision;
ALTER TABLE voc_case ADD COLUMN repeat_of_id bigint;
ALTER TABLE voc_case ADD COLUMN repeat_score double precision;
CREATE INDEX ix_voc_case_repeat_of_id ON voc_case (repeat_of_id);
