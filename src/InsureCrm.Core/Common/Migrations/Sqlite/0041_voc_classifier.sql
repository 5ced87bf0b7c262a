-- 0041: the VOC classifier kept in the database (issue 16): each training's model (naive Bayes JSON), when, on how many
-- confirmed cases, and its held-out accuracy beside the majority class and the keyword rules; and on voc_case whether the
-- type and category were taken from the model's suggestion and wait for staff to confirm them.
CREATE TABLE "voc_classifier_model" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_voc_classifier_model" PRIMARY KEY AUTOINCREMENT,
    "trained_at" TEXT NOT NULL,
    "trained_by" TEXT NOT NULL,
    "cases" INTEGER NOT NULL,
    "test_cases" INTEGER NOT NULL,
    "type_accuracy" REAL NOT NULL,
    "category_accuracy" REAL NOT NULL,
    "majority_type_accuracy" REAL NOT NULL,
    "majority_category_accuracy" REAL NOT NULL,
    "keyword_type_accuracy" REAL NOT NULL,
    "keyword_category_accuracy" REAL NOT NULL,
    "model_json" TEXT NOT NULL
);
ALTER TABLE "voc_case" ADD COLUMN "classification_suggested" INTEGER NOT NULL DEFAULT 0;
