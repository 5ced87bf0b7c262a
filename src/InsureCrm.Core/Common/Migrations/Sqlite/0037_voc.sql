-- 0037: VOC (issue 16, docs/voc.md); see the PostgreSQL script for what each table holds.
-- voc_category: the two-level category tree (reference data, seeded by 0038).
-- voc_department: the receiving/managing/originating departments (head-office teams seeded by 0038; a branch's department
-- is added when a case first names it), with a head; voc_department_member: who works a department's cases.
-- voc_case: one voice from any channel (external_ref unique per channel so the same e-mail or row is never opened twice;
-- an unknown customer's contact details encrypted in contact_protected), its routing, the SLA clocks stored as due times
-- (the SLA run compares them set-based), the resolution. voc_event: the append-only timeline of each case.
CREATE TABLE "voc_category" (
    "code" TEXT NOT NULL,
    "parent_code" TEXT NULL,
    "name_ko" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,
    "name_zh" TEXT NOT NULL,
    "sort_order" INTEGER NOT NULL,
    CONSTRAINT "pk_voc_category" PRIMARY KEY ("code")
);

CREATE TABLE "voc_department" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_voc_department" PRIMARY KEY AUTOINCREMENT,
    "code" TEXT NOT NULL,
    "name_ko" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,
    "name_zh" TEXT NOT NULL,
    "head_user_id" INTEGER NULL,
    "branch_id" INTEGER NULL
);

CREATE TABLE "voc_department_member" (
    "department_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    CONSTRAINT "pk_voc_department_member" PRIMARY KEY ("department_id", "user_id")
);

CREATE TABLE "voc_case" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_voc_case" PRIMARY KEY AUTOINCREMENT,
    "number" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "type" TEXT NULL,
    "category_code" TEXT NULL,
    "severity" TEXT NOT NULL,
    "subject" TEXT NULL,
    "text" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "customer_id" INTEGER NULL,
    "contract_id" INTEGER NULL,
    "agent_id" INTEGER NULL,
    "contact_protected" TEXT NULL,
    "contact_phone_hash" TEXT NULL,
    "external_ref" TEXT NULL,
    "inbound_contact_id" INTEGER NULL,
    "claimed_amount" TEXT NULL,
    "receiving_department_id" INTEGER NULL,
    "managing_department_id" INTEGER NULL,
    "originating_department_id" INTEGER NULL,
    "owner_user_id" INTEGER NULL,
    "routing_note" TEXT NULL,
    "received_at" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_by_user_id" INTEGER NULL,
    "regulator_due_at" TEXT NULL,
    "first_response_due_at" TEXT NULL,
    "first_responded_at" TEXT NULL,
    "resolution_due_at" TEXT NULL,
    "warn_at" TEXT NULL,
    "paused_at" TEXT NULL,
    "first_response_minutes_left" INTEGER NULL,
    "resolution_minutes_left" INTEGER NULL,
    "warn_minutes_left" INTEGER NULL,
    "warned_at" TEXT NULL,
    "escalated_at" TEXT NULL,
    "breached" INTEGER NOT NULL,
    "answer" TEXT NULL,
    "callback_done" INTEGER NULL,
    "cause" TEXT NULL,
    "cause_text" TEXT NULL,
    "gap" TEXT NULL,
    "satisfaction" INTEGER NULL,
    "front_line" INTEGER NOT NULL,
    "resolved_at" TEXT NULL,
    "resolved_by" TEXT NULL,
    "closed_at" TEXT NULL,
    "version" INTEGER NOT NULL
);

CREATE TABLE "voc_event" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_voc_event" PRIMARY KEY AUTOINCREMENT,
    "case_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "at" TEXT NOT NULL,
    "by" TEXT NOT NULL,
    "from_department_id" INTEGER NULL,
    "to_department_id" INTEGER NULL,
    "from_user_id" INTEGER NULL,
    "to_user_id" INTEGER NULL,
    "note" TEXT NULL
);

CREATE UNIQUE INDEX "ix_voc_department_code" ON "voc_department" ("code");
CREATE INDEX "ix_voc_department_branch_id" ON "voc_department" ("branch_id");
CREATE INDEX "ix_voc_department_member_user_id" ON "voc_department_member" ("user_id");
CREATE UNIQUE INDEX "ix_voc_case_number" ON "voc_case" ("number");
CREATE UNIQUE INDEX "ix_voc_case_channel_external_ref" ON "voc_case" ("channel", "external_ref");
CREATE INDEX "ix_voc_case_owner_user_id_state_resolution_due_at" ON "voc_case" ("owner_user_id", "state", "resolution_due_at");
CREATE INDEX "ix_voc_case_managing_department_id_state_resolution_due_at" ON "voc_case" ("managing_department_id", "state", "resolution_due_at");
CREATE INDEX "ix_voc_case_state_resolution_due_at" ON "voc_case" ("state", "resolution_due_at");
CREATE INDEX "ix_voc_case_customer_id" ON "voc_case" ("customer_id");
CREATE INDEX "ix_voc_case_created_by_user_id" ON "voc_case" ("created_by_user_id");
CREATE INDEX "ix_voc_case_inbound_contact_id" ON "voc_case" ("inbound_contact_id");
CREATE INDEX "ix_voc_event_case_id" ON "voc_event" ("case_id");
