-- 0020: as on PostgreSQL, the tables the nightly chain fills in bulk (customer_value, customer_segment,
-- customer_model_score, contract_model_score) keep no foreign keys; the scoring job deletes a replaced run's rows
-- itself; their indexes on customer_id and contract_id go (every read names the run: the primary key serves it).
-- SQLite cannot drop a constraint: each table is rebuilt without them, with the same columns, primary key and
-- other indexes.
CREATE TABLE "customer_value_0020" (
    "run_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "experience_value" TEXT NOT NULL,
    "current_value" TEXT NOT NULL,
    "potential_value" TEXT NOT NULL,
    "total_value" TEXT NOT NULL,
    "grade" TEXT NULL,
    "explanation" TEXT NOT NULL,
    "fingerprint" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "pk_customer_value" PRIMARY KEY ("run_id", "customer_id")
);
INSERT INTO "customer_value_0020" ("run_id", "customer_id", "experience_value", "current_value", "potential_value", "total_value", "grade", "explanation", "fingerprint")
SELECT "run_id", "customer_id", "experience_value", "current_value", "potential_value", "total_value", "grade", "explanation", "fingerprint" FROM "customer_value";
DROP TABLE "customer_value";
ALTER TABLE "customer_value_0020" RENAME TO "customer_value";

CREATE TABLE "customer_segment_0020" (
    "run_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "grid_cell" TEXT NOT NULL,
    "needs_group" INTEGER NOT NULL,
    "strategy" TEXT NOT NULL,
    "channels" TEXT NOT NULL,
    "service_level" TEXT NOT NULL,
    CONSTRAINT "pk_customer_segment" PRIMARY KEY ("run_id", "customer_id")
);
INSERT INTO "customer_segment_0020" ("run_id", "customer_id", "grid_cell", "needs_group", "strategy", "channels", "service_level")
SELECT "run_id", "customer_id", "grid_cell", "needs_group", "strategy", "channels", "service_level" FROM "customer_segment";
DROP TABLE "customer_segment";
ALTER TABLE "customer_segment_0020" RENAME TO "customer_segment";
CREATE INDEX "ix_customer_segment_run_id_grid_cell_customer_id" ON "customer_segment" ("run_id", "grid_cell", "customer_id");
CREATE INDEX "ix_customer_segment_run_id_needs_group_customer_id" ON "customer_segment" ("run_id", "needs_group", "customer_id");

CREATE TABLE "customer_model_score_0020" (
    "run_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "score" REAL NOT NULL,
    "eligible" INTEGER NOT NULL,
    "reasons" TEXT NOT NULL,
    CONSTRAINT "pk_customer_model_score" PRIMARY KEY ("run_id", "customer_id")
);
INSERT INTO "customer_model_score_0020" ("run_id", "customer_id", "score", "eligible", "reasons")
SELECT "run_id", "customer_id", "score", "eligible", "reasons" FROM "customer_model_score";
DROP TABLE "customer_model_score";
ALTER TABLE "customer_model_score_0020" RENAME TO "customer_model_score";

CREATE TABLE "contract_model_score_0020" (
    "run_id" INTEGER NOT NULL,
    "contract_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "score" REAL NOT NULL,
    "eligible" INTEGER NOT NULL,
    "reasons" TEXT NOT NULL,
    CONSTRAINT "pk_contract_model_score" PRIMARY KEY ("run_id", "contract_id")
);
INSERT INTO "contract_model_score_0020" ("run_id", "contract_id", "customer_id", "score", "eligible", "reasons")
SELECT "run_id", "contract_id", "customer_id", "score", "eligible", "reasons" FROM "contract_model_score";
DROP TABLE "contract_model_score";
ALTER TABLE "contract_model_score_0020" RENAME TO "contract_model_score";
