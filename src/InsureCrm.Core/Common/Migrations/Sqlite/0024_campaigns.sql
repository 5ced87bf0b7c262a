-- 0024: campaigns (issue 12, docs/plans/issue12-campaigns.md section 2): the offer catalogue, versioned target rules,
-- campaigns with their channels, script versions and history, the universal holdout per year, the split and its
-- members, the outbox of contacts, and attributed responses with one row per attribution run. Members, contacts and
-- responses carry customer_id without a foreign key (written by COPY or INSERT … SELECT, as customer_value since 0020).
-- Money and shares are TEXT here (as EF maps decimal on SQLite), so the checks compare them as numbers explicitly.
CREATE TABLE "offer" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_offer" PRIMARY KEY AUTOINCREMENT,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "product_family" TEXT NULL,
    "cost" TEXT NOT NULL,
    "cost_basis" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "active" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "ck_offer_cost" CHECK (CAST("cost" AS REAL) >= 0)
);

CREATE TABLE "target_rule" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_target_rule" PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "owner_user_id" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL
);

CREATE TABLE "target_rule_version" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_target_rule_version" PRIMARY KEY AUTOINCREMENT,
    "rule_id" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "definition" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    CONSTRAINT "fk_target_rule_version_rule_id" FOREIGN KEY ("rule_id") REFERENCES "target_rule" ("id") ON DELETE RESTRICT
);

CREATE TABLE "campaign" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_campaign" PRIMARY KEY AUTOINCREMENT,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "theme" TEXT NOT NULL,
    "hypothesis" TEXT NOT NULL,
    "objective" TEXT NOT NULL,
    "objective_families" TEXT NOT NULL,
    "window_days" INTEGER NOT NULL,
    "owner_user_id" INTEGER NOT NULL,
    "author_user_id" INTEGER NOT NULL,
    "approved_by_user_id" INTEGER NULL,
    "approved_at" TEXT NULL,
    "state" TEXT NOT NULL,
    "starts_on" TEXT NOT NULL,
    "ends_on" TEXT NOT NULL,
    "budget" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "rule_version_id" INTEGER NULL,
    "control_share" TEXT NOT NULL,
    "split_seed" INTEGER NOT NULL,
    "alpha" REAL NOT NULL,
    "power" REAL NOT NULL,
    "baseline_rate" REAL NULL,
    "expected_lift" REAL NOT NULL,
    "overlap_rule" TEXT NOT NULL,
    "priority" INTEGER NOT NULL,
    "frequency_cap" INTEGER NOT NULL,
    "parent_campaign_id" INTEGER NULL,
    "is_pilot" INTEGER NOT NULL,
    "lessons" TEXT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "ck_campaign_control_share" CHECK (CAST("control_share" AS REAL) > 0 AND CAST("control_share" AS REAL) < 1),
    CONSTRAINT "fk_campaign_parent_campaign_id" FOREIGN KEY ("parent_campaign_id") REFERENCES "campaign" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_campaign_rule_version_id" FOREIGN KEY ("rule_version_id") REFERENCES "target_rule_version" ("id") ON DELETE RESTRICT
);

CREATE TABLE "campaign_channel" (
    "campaign_id" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "rank" INTEGER NOT NULL,
    "offer_id" INTEGER NULL,
    "unit_cost" TEXT NOT NULL,
    "daily_limit" INTEGER NULL,
    CONSTRAINT "pk_campaign_channel" PRIMARY KEY ("campaign_id", "channel"),
    CONSTRAINT "fk_campaign_channel_campaign_id" FOREIGN KEY ("campaign_id") REFERENCES "campaign" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_campaign_channel_offer_id" FOREIGN KEY ("offer_id") REFERENCES "offer" ("id") ON DELETE RESTRICT
);

CREATE TABLE "campaign_script" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_campaign_script" PRIMARY KEY AUTOINCREMENT,
    "campaign_id" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "subject" TEXT NULL,
    "body" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "reason" TEXT NULL,
    CONSTRAINT "fk_campaign_script_campaign_id" FOREIGN KEY ("campaign_id") REFERENCES "campaign" ("id") ON DELETE CASCADE
);

CREATE TABLE "campaign_event" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_campaign_event" PRIMARY KEY AUTOINCREMENT,
    "campaign_id" INTEGER NOT NULL,
    "at" TEXT NOT NULL,
    "user_name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    CONSTRAINT "fk_campaign_event_campaign_id" FOREIGN KEY ("campaign_id") REFERENCES "campaign" ("id") ON DELETE CASCADE
);

CREATE TABLE "holdout_year" (
    "year" INTEGER NOT NULL CONSTRAINT "pk_holdout_year" PRIMARY KEY,
    "share" TEXT NOT NULL,
    "salt" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    "created_by" TEXT NOT NULL
);

CREATE TABLE "campaign_split" (
    "campaign_id" INTEGER NOT NULL CONSTRAINT "pk_campaign_split" PRIMARY KEY,
    "as_of" TEXT NOT NULL,
    "value_run_id" INTEGER NULL,
    "seed" INTEGER NOT NULL,
    "control_share" TEXT NOT NULL,
    "candidates" INTEGER NOT NULL,
    "test" INTEGER NOT NULL,
    "control" INTEGER NOT NULL,
    "excluded_holdout" INTEGER NOT NULL,
    "excluded_overlap" INTEGER NOT NULL,
    "excluded_cap" INTEGER NOT NULL,
    "excluded_no_channel" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    CONSTRAINT "fk_campaign_split_campaign_id" FOREIGN KEY ("campaign_id") REFERENCES "campaign" ("id") ON DELETE CASCADE
);

CREATE TABLE "campaign_member" (
    "campaign_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "arm" TEXT NOT NULL,
    "exclusion" TEXT NULL,
    "stratum" TEXT NOT NULL,
    "split_hash" INTEGER NOT NULL,
    "planned_channel" TEXT NULL,
    "offer_id" INTEGER NULL,
    "agent_id" INTEGER NULL,
    "branch_id" INTEGER NULL,
    CONSTRAINT "pk_campaign_member" PRIMARY KEY ("campaign_id", "customer_id")
);

CREATE TABLE "campaign_contact" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_campaign_contact" PRIMARY KEY AUTOINCREMENT,
    "campaign_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "idem_key" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "reasons" TEXT NOT NULL,
    "script_id" INTEGER NULL,
    "offer_id" INTEGER NULL,
    "agent_id" INTEGER NULL,
    "planned_at" TEXT NOT NULL,
    "lease_until" TEXT NULL,
    "sent_at" TEXT NULL,
    "message_ref" TEXT NULL,
    "outcome" TEXT NULL,
    "outcome_at" TEXT NULL,
    "outcome_by" TEXT NULL,
    "next_attempt_at" TEXT NULL,
    "export_id" TEXT NULL,
    "error" TEXT NULL
);

CREATE TABLE "campaign_response" (
    "campaign_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "event_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "arm" TEXT NOT NULL,
    "stratum" TEXT NOT NULL,
    "event_date" TEXT NOT NULL,
    "revenue" TEXT NOT NULL,
    "channel" TEXT NULL,
    "agent_id" INTEGER NULL,
    "offer_id" INTEGER NULL,
    CONSTRAINT "pk_campaign_response" PRIMARY KEY ("campaign_id", "kind", "event_id")
);

CREATE TABLE "campaign_attribution" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_campaign_attribution" PRIMARY KEY AUTOINCREMENT,
    "campaign_id" INTEGER NOT NULL,
    "as_of" TEXT NOT NULL,
    "ran_at" TEXT NOT NULL,
    "responses" INTEGER NOT NULL,
    "responders_test" INTEGER NOT NULL,
    "responders_control" INTEGER NOT NULL,
    CONSTRAINT "fk_campaign_attribution_campaign_id" FOREIGN KEY ("campaign_id") REFERENCES "campaign" ("id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "ix_campaign_code" ON "campaign" ("code");
CREATE INDEX "ix_campaign_name" ON "campaign" ("name");
CREATE INDEX "ix_campaign_parent_campaign_id" ON "campaign" ("parent_campaign_id");
CREATE INDEX "ix_campaign_rule_version_id" ON "campaign" ("rule_version_id");
CREATE INDEX "ix_campaign_state" ON "campaign" ("state");
CREATE INDEX "ix_campaign_theme" ON "campaign" ("theme");
CREATE INDEX "ix_campaign_attribution_campaign_id_as_of" ON "campaign_attribution" ("campaign_id", "as_of");
CREATE INDEX "ix_campaign_channel_offer_id" ON "campaign_channel" ("offer_id");
CREATE INDEX "ix_campaign_contact_agent_id_state" ON "campaign_contact" ("agent_id", "state");
CREATE INDEX "ix_campaign_contact_campaign_id_sent_at" ON "campaign_contact" ("campaign_id", "sent_at");
CREATE INDEX "ix_campaign_contact_campaign_id_state_id" ON "campaign_contact" ("campaign_id", "state", "id");
CREATE UNIQUE INDEX "ix_campaign_contact_idem_key" ON "campaign_contact" ("idem_key");
CREATE INDEX "ix_campaign_event_campaign_id_at" ON "campaign_event" ("campaign_id", "at");
CREATE INDEX "ix_campaign_member_customer_id_campaign_id" ON "campaign_member" ("customer_id", "campaign_id");
CREATE INDEX "ix_campaign_response_campaign_id_arm" ON "campaign_response" ("campaign_id", "arm");
CREATE UNIQUE INDEX "ix_campaign_script_campaign_id_channel_language_version" ON "campaign_script" ("campaign_id", "channel", "language", "version");
CREATE UNIQUE INDEX "ix_offer_code" ON "offer" ("code");
CREATE UNIQUE INDEX "ix_target_rule_name" ON "target_rule" ("name");
CREATE UNIQUE INDEX "ix_target_rule_version_rule_id_version" ON "target_rule_version" ("rule_id", "version");
