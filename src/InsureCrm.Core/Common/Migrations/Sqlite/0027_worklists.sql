-- 0027: the agent's day (issue 14); see the PostgreSQL script for what each table holds.
CREATE TABLE "work_item" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_work_item" PRIMARY KEY AUTOINCREMENT,
    "agent_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "priority" REAL NOT NULL,
    "probability" REAL NOT NULL,
    "value" TEXT NOT NULL,
    "family" TEXT NULL,
    "contract_id" INTEGER NULL,
    "campaign_contact_id" INTEGER NULL,
    "facts" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "first_listed_on" TEXT NOT NULL,
    "listed_on" TEXT NOT NULL,
    "due_on" TEXT NULL,
    "state" TEXT NOT NULL,
    "snoozed_until" TEXT NULL,
    "outcome" TEXT NULL,
    "closed_at" TEXT NULL,
    "closed_by" TEXT NULL,
    "version" INTEGER NOT NULL
);

CREATE TABLE "work_result" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_work_result" PRIMARY KEY AUTOINCREMENT,
    "item_id" INTEGER NOT NULL,
    "agent_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "recorded_at" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "recorded_by" TEXT NOT NULL,
    "notes" TEXT NULL,
    "next_on" TEXT NULL,
    "interaction_id" INTEGER NOT NULL
);

CREATE TABLE "appointment" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_appointment" PRIMARY KEY AUTOINCREMENT,
    "uid" TEXT NOT NULL,
    "agent_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "item_id" INTEGER NULL,
    "starts_at" TEXT NOT NULL,
    "minutes" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "place" TEXT NULL,
    "notes" TEXT NULL,
    "created_at" TEXT NOT NULL,
    "cancelled_at" TEXT NULL,
    "sequence" INTEGER NOT NULL
);

CREATE TABLE "calendar_feed" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_calendar_feed" PRIMARY KEY AUTOINCREMENT,
    "agent_id" INTEGER NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "revoked_at" TEXT NULL
);

CREATE TABLE "worklist_run" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_worklist_run" PRIMARY KEY AUTOINCREMENT,
    "as_of" TEXT NOT NULL,
    "started_at" TEXT NOT NULL,
    "finished_at" TEXT NOT NULL,
    "agents" INTEGER NOT NULL,
    "candidates" INTEGER NOT NULL,
    "open" INTEGER NOT NULL,
    "new" INTEGER NOT NULL,
    "expired" INTEGER NOT NULL,
    "counts" TEXT NOT NULL
);

CREATE INDEX "ix_work_item_agent_id_state_priority" ON "work_item" ("agent_id", "state", "priority");
CREATE INDEX "ix_work_item_agent_id_customer_id_action_subject" ON "work_item" ("agent_id", "customer_id", "action", "subject");
CREATE INDEX "ix_work_result_agent_id_day" ON "work_result" ("agent_id", "day");
CREATE INDEX "ix_work_result_item_id" ON "work_result" ("item_id");
CREATE UNIQUE INDEX "ix_appointment_uid" ON "appointment" ("uid");
CREATE INDEX "ix_appointment_agent_id_starts_at" ON "appointment" ("agent_id", "starts_at");
CREATE UNIQUE INDEX "ix_calendar_feed_token_hash" ON "calendar_feed" ("token_hash");
CREATE INDEX "ix_calendar_feed_agent_id" ON "calendar_feed" ("agent_id");
CREATE INDEX "ix_worklist_run_as_of" ON "worklist_run" ("as_of");
