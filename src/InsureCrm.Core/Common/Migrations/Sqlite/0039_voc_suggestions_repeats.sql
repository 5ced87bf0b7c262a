-- 0039: what VOC learns from text (issue 16). The classifier's suggestion of type and category with its confidence, kept
-- beside what staff confirmed (type, category_code); and the earlier case of the same customer about the same matter that
-- a new case repeats, with the matcher's score.
ALTER TABLE "voc_case" ADD COLUMN "suggested_type" TEXT NULL;
ALTER TABLE "voc_case" ADD COLUMN "suggested_type_confidence" REAL NULL;
ALTER TABLE "voc_case" ADD COLUMN "suggested_category_code" TEXT NULL;
ALTER TABLE "voc_case" ADD COLUMN "suggested_category_confidence" REAL NULL;
ALTER TABLE "voc_case" ADD COLUMN "repeat_of_id" INTEGER NULL;
ALTER TABLE "voc_case" ADD COLUMN "repeat_score" REAL NULL;
CREATE INDEX "ix_voc_case_repeat_of_id" ON "voc_case" ("repeat_of_id");
