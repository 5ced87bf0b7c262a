-- 0015: scores of contract models (lapse-contract) per contract and of agent models (agent-dropout, recruiting) per agent, with their top reasons, per score run.
CREATE TABLE "contract_model_score" (
    "run_id" INTEGER NOT NULL,
    "contract_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "score" REAL NOT NULL,
    "eligible" INTEGER NOT NULL,
    "reasons" TEXT NOT NULL,
    CONSTRAINT "pk_contract_model_score" PRIMARY KEY ("run_id", "contract_id"),
    CONSTRAINT "fk_contract_model_score_contract_id" FOREIGN KEY ("contract_id") REFERENCES "contract" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_contract_model_score_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_contract_model_score_run_id" FOREIGN KEY ("run_id") REFERENCES "model_score_run" ("id") ON DELETE CASCADE
);

CREATE TABLE "agent_model_score" (
    "run_id" INTEGER NOT NULL,
    "agent_id" INTEGER NOT NULL,
    "score" REAL NOT NULL,
    "eligible" INTEGER NOT NULL,
    "reasons" TEXT NOT NULL,
    CONSTRAINT "pk_agent_model_score" PRIMARY KEY ("run_id", "agent_id"),
    CONSTRAINT "fk_agent_model_score_agent_id" FOREIGN KEY ("agent_id") REFERENCES "agent" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_agent_model_score_run_id" FOREIGN KEY ("run_id") REFERENCES "model_score_run" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_contract_model_score_contract_id" ON "contract_model_score" ("contract_id");
CREATE INDEX "ix_contract_model_score_customer_id" ON "contract_model_score" ("customer_id");
CREATE INDEX "ix_agent_model_score_agent_id" ON "agent_model_score" ("agent_id");
