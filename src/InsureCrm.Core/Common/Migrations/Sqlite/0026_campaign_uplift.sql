-- 0026: uplift from pilots (issue 13); see the PostgreSQL script for what each table holds.
CREATE TABLE "campaign_uplift_model" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_campaign_uplift_model" PRIMARY KEY AUTOINCREMENT,
    "campaign_id" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "algorithm" TEXT NOT NULL,
    "classifier" TEXT NOT NULL,
    "features_as_of" TEXT NOT NULL,
    "rows" INTEGER NOT NULL,
    "treated" INTEGER NOT NULL,
    "treated_responders" INTEGER NOT NULL,
    "control" INTEGER NOT NULL,
    "control_responders" INTEGER NOT NULL,
    "skipped" INTEGER NOT NULL,
    "held_out_rows" INTEGER NOT NULL,
    "qini" REAL NULL,
    "evaluation" TEXT NOT NULL,
    "artifact" TEXT NOT NULL,
    "trained_by" TEXT NOT NULL,
    "trained_at" TEXT NOT NULL,
    CONSTRAINT "fk_campaign_uplift_model_campaign_campaign_id" FOREIGN KEY ("campaign_id") REFERENCES "campaign" ("id") ON DELETE CASCADE
);
CREATE UNIQUE INDEX "ix_campaign_uplift_model_campaign_id_version" ON "campaign_uplift_model" ("campaign_id", "version");

CREATE TABLE "campaign_uplift_targeting" (
    "campaign_id" INTEGER NOT NULL CONSTRAINT "pk_campaign_uplift_targeting" PRIMARY KEY,
    "model_id" INTEGER NOT NULL,
    "top_n" INTEGER NOT NULL,
    "keep_negative" INTEGER NOT NULL,
    "scored" INTEGER NULL,
    "negative" INTEGER NULL,
    "below_cut" INTEGER NULL,
    "expected_incremental" REAL NULL,
    "expected_incremental_by_response" REAL NULL,
    "value_per_response" TEXT NULL,
    "unit_cost" TEXT NULL,
    "response_model" TEXT NULL,
    CONSTRAINT "ck_campaign_uplift_targeting_top_n" CHECK ("top_n" > 0),
    CONSTRAINT "fk_campaign_uplift_targeting_campaign_campaign_id" FOREIGN KEY ("campaign_id") REFERENCES "campaign" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_campaign_uplift_targeting_campaign_uplift_model_model_id" FOREIGN KEY ("model_id") REFERENCES "campaign_uplift_model" ("id") ON DELETE RESTRICT
);
CREATE INDEX "ix_campaign_uplift_targeting_model_id" ON "campaign_uplift_targeting" ("model_id");

CREATE TABLE "campaign_uplift_score" (
    "campaign_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "uplift" REAL NOT NULL,
    "response" REAL NULL,
    "rank" INTEGER NOT NULL,
    "reasons" TEXT NOT NULL,
    CONSTRAINT "pk_campaign_uplift_score" PRIMARY KEY ("campaign_id", "customer_id")
);
