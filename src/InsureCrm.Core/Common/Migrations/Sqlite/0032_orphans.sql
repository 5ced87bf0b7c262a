-- 0032: the orphan-contract service (issue 15); see the PostgreSQL script for what each table holds.
CREATE TABLE "orphan_case" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_orphan_case" PRIMARY KEY AUTOINCREMENT,
    "customer_id" INTEGER NOT NULL,
    "former_agent_id" INTEGER NOT NULL,
    "terminated_on" TEXT NOT NULL,
    "detected_on" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "consultant_id" INTEGER NULL,
    "assigned_on" TEXT NULL,
    "rule" TEXT NULL,
    "reasons" TEXT NOT NULL,
    "contract_ids" TEXT NOT NULL,
    "first_contact_due" TEXT NULL,
    "first_contact_at" TEXT NULL,
    "first_contact_by" TEXT NULL,
    "coverage_check_at" TEXT NULL,
    "coverage_check_by" TEXT NULL,
    "coverage_check_notes" TEXT NULL,
    "returned_on" TEXT NULL,
    "version" INTEGER NOT NULL
);

CREATE TABLE "orphan_override" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_orphan_override" PRIMARY KEY AUTOINCREMENT,
    "case_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "from_consultant_id" INTEGER NULL,
    "to_consultant_id" INTEGER NOT NULL,
    "overridden_by" TEXT NOT NULL,
    "overridden_at" TEXT NOT NULL,
    "why" TEXT NOT NULL,
    "forced" INTEGER NOT NULL
);

CREATE INDEX "ix_orphan_case_consultant_id_state" ON "orphan_case" ("consultant_id", "state");
CREATE INDEX "ix_orphan_case_former_agent_id_state" ON "orphan_case" ("former_agent_id", "state");
CREATE INDEX "ix_orphan_case_customer_id" ON "orphan_case" ("customer_id");
CREATE INDEX "ix_orphan_override_case_id" ON "orphan_override" ("case_id");
