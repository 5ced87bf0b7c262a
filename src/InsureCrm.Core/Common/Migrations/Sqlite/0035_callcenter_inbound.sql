-- 0035: the call center's inbound console (issue 15); see the PostgreSQL script for what each table holds.
CREATE TABLE "inbound_contact" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_inbound_contact" PRIMARY KEY AUTOINCREMENT,
    "customer_id" INTEGER NOT NULL,
    "interaction_id" INTEGER NOT NULL,
    "reason_code" TEXT NOT NULL,
    "reason_tree_version" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "voc_requested" INTEGER NOT NULL,
    "logged_by" TEXT NOT NULL,
    "logged_at" TEXT NOT NULL
);

CREATE TABLE "callback" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_callback" PRIMARY KEY AUTOINCREMENT,
    "customer_id" INTEGER NOT NULL,
    "inbound_contact_id" INTEGER NULL,
    "due_at" TEXT NOT NULL,
    "requested_at" TEXT NOT NULL,
    "moved_because" TEXT NULL,
    "note" TEXT NULL,
    "assigned_to" TEXT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "done_at" TEXT NULL,
    "done_by" TEXT NULL,
    "version" INTEGER NOT NULL
);

CREATE INDEX "ix_inbound_contact_customer_id" ON "inbound_contact" ("customer_id");
CREATE INDEX "ix_inbound_contact_voc_requested_logged_at" ON "inbound_contact" ("voc_requested", "logged_at");
CREATE INDEX "ix_callback_status_due_at" ON "callback" ("status", "due_at");
CREATE INDEX "ix_callback_customer_id" ON "callback" ("customer_id");
