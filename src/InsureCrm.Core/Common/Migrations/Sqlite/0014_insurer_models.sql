-- 0014: insurer models: model versions (registry: metrics, artifact, challenger/champion/retired, trained/approved by), score runs per champion and date, and per customer the score with its top reasons.
CREATE TABLE "model_version" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_model_version" PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "algorithm" TEXT NOT NULL,
    "cutoff" TEXT NOT NULL,
    "window_months" INTEGER NOT NULL,
    "features" TEXT NOT NULL,
    "train_rows" INTEGER NOT NULL,
    "test_rows" INTEGER NOT NULL,
    "positive_rate" REAL NOT NULL,
    "auc" REAL NOT NULL,
    "log_loss" REAL NOT NULL,
    "top_decile_lift" REAL NOT NULL,
    "artifact" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "trained_by" TEXT NOT NULL,
    "trained_at" TEXT NOT NULL,
    "approved_by" TEXT NULL,
    "approved_at" TEXT NULL,
    "retired_at" TEXT NULL
);

CREATE TABLE "model_score_run" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_model_score_run" PRIMARY KEY AUTOINCREMENT,
    "model_version_id" INTEGER NOT NULL,
    "run_date" TEXT NOT NULL,
    "started_at" TEXT NOT NULL,
    "finished_at" TEXT NULL,
    "status" TEXT NOT NULL,
    "scored" INTEGER NOT NULL,
    CONSTRAINT "fk_model_score_run_model_version_id" FOREIGN KEY ("model_version_id") REFERENCES "model_version" ("id") ON DELETE CASCADE
);

CREATE TABLE "customer_model_score" (
    "run_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "score" REAL NOT NULL,
    "eligible" INTEGER NOT NULL,
    "reasons" TEXT NOT NULL,
    CONSTRAINT "pk_customer_model_score" PRIMARY KEY ("run_id", "customer_id"),
    CONSTRAINT "fk_customer_model_score_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_customer_model_score_run_id" FOREIGN KEY ("run_id") REFERENCES "model_score_run" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_customer_model_score_customer_id" ON "customer_model_score" ("customer_id");
CREATE INDEX "ix_model_score_run_model_version_id_run_date" ON "model_score_run" ("model_version_id", "run_date");
CREATE UNIQUE INDEX "ix_model_version_name_version" ON "model_version" ("name", "version");
