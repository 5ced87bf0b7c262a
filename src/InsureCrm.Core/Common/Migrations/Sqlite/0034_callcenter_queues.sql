-- 0034: the call center's outbound queues (issue 15); see the PostgreSQL script for what each table holds.
CREATE TABLE "call_queue_item" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_call_queue_item" PRIMARY KEY AUTOINCREMENT,
    "customer_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "contract_id" INTEGER NULL,
    "campaign_id" INTEGER NULL,
    "campaign_contact_id" INTEGER NULL,
    "entered_on" TEXT NOT NULL,
    "due_on" TEXT NOT NULL,
    "assigned_user_id" INTEGER NULL,
    "assigned_on" TEXT NULL,
    "state" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "last_attempt_at" TEXT NULL,
    "next_attempt_at" TEXT NOT NULL,
    "last_outcome" TEXT NULL,
    "facts" TEXT NOT NULL,
    "checklist" TEXT NULL,
    "last_note" TEXT NULL,
    "closed_at" TEXT NULL,
    "version" INTEGER NOT NULL
);

CREATE TABLE "call_attempt" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_call_attempt" PRIMARY KEY AUTOINCREMENT,
    "item_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "user_id" INTEGER NOT NULL,
    "at" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "call_back_at" TEXT NULL
);

CREATE TABLE "call_skill" (
    "user_id" INTEGER NOT NULL CONSTRAINT "pk_call_skill" PRIMARY KEY,
    "kinds" TEXT NOT NULL
);

CREATE TABLE "call_escalation" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_call_escalation" PRIMARY KEY AUTOINCREMENT,
    "item_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "contract_id" INTEGER NOT NULL,
    "branch_id" INTEGER NOT NULL,
    "agent_id" INTEGER NOT NULL,
    "failed" TEXT NOT NULL,
    "note" TEXT NULL,
    "opened_at" TEXT NOT NULL,
    "opened_by" TEXT NOT NULL,
    "resolved_at" TEXT NULL,
    "resolved_by" TEXT NULL,
    "resolution" TEXT NULL,
    "version" INTEGER NOT NULL
);

CREATE INDEX "ix_call_queue_item_assigned_user_id_state" ON "call_queue_item" ("assigned_user_id", "state");
CREATE INDEX "ix_call_queue_item_state_kind" ON "call_queue_item" ("state", "kind");
CREATE INDEX "ix_call_queue_item_customer_id_kind" ON "call_queue_item" ("customer_id", "kind");
CREATE INDEX "ix_call_queue_item_contract_id" ON "call_queue_item" ("contract_id");
CREATE INDEX "ix_call_attempt_at" ON "call_attempt" ("at");
CREATE INDEX "ix_call_attempt_item_id" ON "call_attempt" ("item_id");
CREATE INDEX "ix_call_escalation_branch_id_resolved_at" ON "call_escalation" ("branch_id", "resolved_at");
CREATE INDEX "ix_call_escalation_agent_id" ON "call_escalation" ("agent_id");
