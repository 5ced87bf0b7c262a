-- 0001 initial schema (SQLite). Generated from the EF model, then reviewed.
CREATE TABLE "app_user" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_app_user" PRIMARY KEY AUTOINCREMENT,
    "user_name" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "agent_id" INTEGER NULL,
    "branch_id" INTEGER NULL,
    "is_active" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL
);


CREATE TABLE "branch" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_branch" PRIMARY KEY AUTOINCREMENT,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "sido" TEXT NOT NULL,
    "sigungu" TEXT NOT NULL
);


CREATE TABLE "customer" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_customer" PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_script" TEXT NOT NULL,
    "birth_date" TEXT NULL,
    "gender" TEXT NOT NULL,
    "rrn_cipher" TEXT NULL,
    "rrn_hash" TEXT NULL,
    "rrn_masked" TEXT NULL,
    "business_number" TEXT NULL,
    "occupation" TEXT NULL,
    "income_band" TEXT NOT NULL,
    "marital_status" TEXT NOT NULL,
    "children" INTEGER NULL,
    "preferred_channel" TEXT NULL,
    "preferred_contact_time" TEXT NOT NULL,
    "created_at" TEXT NOT NULL,
    "updated_at" TEXT NOT NULL,
    "merged_into_id" INTEGER NULL,
    "version" INTEGER NOT NULL
);


CREATE TABLE "household" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_household" PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "created_at" TEXT NOT NULL
);


CREATE TABLE "identity_merge" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_identity_merge" PRIMARY KEY AUTOINCREMENT,
    "survivor_id" INTEGER NOT NULL,
    "merged_id" INTEGER NOT NULL,
    "rule" TEXT NOT NULL,
    "merged_at" TEXT NOT NULL,
    "merged_by" TEXT NOT NULL,
    "moved_json" TEXT NOT NULL,
    "undone_at" TEXT NULL,
    "undone_by" TEXT NULL
);


CREATE TABLE "import_run" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_import_run" PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "file_sha256" TEXT NOT NULL,
    "started_at" TEXT NOT NULL,
    "finished_at" TEXT NULL,
    "rows_read" INTEGER NOT NULL,
    "rows_loaded" INTEGER NOT NULL,
    "rows_rejected" INTEGER NOT NULL
);


CREATE TABLE "interaction" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_interaction" PRIMARY KEY AUTOINCREMENT,
    "customer_id" INTEGER NOT NULL,
    "occurred_at" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "agent_id" INTEGER NULL,
    "staff_user" TEXT NULL,
    "notes" TEXT NULL,
    "source_key" TEXT NULL
);


CREATE TABLE "product" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_product" PRIMARY KEY AUTOINCREMENT,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "line" TEXT NOT NULL,
    "family" TEXT NOT NULL,
    "is_rider" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "term_years" INTEGER NULL
);


CREATE TABLE "agent" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_agent" PRIMARY KEY AUTOINCREMENT,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "branch_id" INTEGER NOT NULL,
    "hire_date" TEXT NOT NULL,
    "termination_date" TEXT NULL,
    "status" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_agent_branch_id" FOREIGN KEY ("branch_id") REFERENCES "branch" ("id") ON DELETE RESTRICT
);


CREATE TABLE "customer_address" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_customer_address" PRIMARY KEY AUTOINCREMENT,
    "customer_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "sido" TEXT NOT NULL,
    "sigungu" TEXT NOT NULL,
    "line" TEXT NOT NULL,
    "postal_code" TEXT NULL,
    "is_primary" INTEGER NOT NULL,
    CONSTRAINT "fk_customer_address_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE
);


CREATE TABLE "customer_email" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_customer_email" PRIMARY KEY AUTOINCREMENT,
    "customer_id" INTEGER NOT NULL,
    "address" TEXT NOT NULL,
    "is_primary" INTEGER NOT NULL,
    CONSTRAINT "fk_customer_email_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE
);


CREATE TABLE "customer_phone" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_customer_phone" PRIMARY KEY AUTOINCREMENT,
    "customer_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "is_primary" INTEGER NOT NULL,
    CONSTRAINT "fk_customer_phone_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE
);


CREATE TABLE "customer_relationship" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_customer_relationship" PRIMARY KEY AUTOINCREMENT,
    "customer_id" INTEGER NOT NULL,
    "related_customer_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    CONSTRAINT "fk_customer_relationship_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_customer_relationship_related_customer_id" FOREIGN KEY ("related_customer_id") REFERENCES "customer" ("id") ON DELETE RESTRICT
);


CREATE TABLE "customer_source_key" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_customer_source_key" PRIMARY KEY AUTOINCREMENT,
    "customer_id" INTEGER NOT NULL,
    "source_system" TEXT NOT NULL,
    "source_id" TEXT NOT NULL,
    CONSTRAINT "fk_customer_source_key_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE
);


CREATE TABLE "marketing_consent" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_marketing_consent" PRIMARY KEY AUTOINCREMENT,
    "customer_id" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "granted" INTEGER NOT NULL,
    "night_time_allowed" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "recorded_at" TEXT NOT NULL,
    "effective_from" TEXT NOT NULL,
    "expires_on" TEXT NULL,
    CONSTRAINT "fk_marketing_consent_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE
);


CREATE TABLE "household_member" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_household_member" PRIMARY KEY AUTOINCREMENT,
    "household_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    CONSTRAINT "fk_household_member_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_household_member_household_id" FOREIGN KEY ("household_id") REFERENCES "household" ("id") ON DELETE CASCADE
);


CREATE TABLE "loan" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_loan" PRIMARY KEY AUTOINCREMENT,
    "loan_number" TEXT NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "product_id" INTEGER NOT NULL,
    "principal" TEXT NOT NULL,
    "rate" TEXT NOT NULL,
    "balance" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "start_date" TEXT NOT NULL,
    "maturity_date" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "status_date" TEXT NOT NULL,
    "agent_id" INTEGER NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_loan_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_loan_product_id" FOREIGN KEY ("product_id") REFERENCES "product" ("id") ON DELETE RESTRICT
);


CREATE TABLE "contract" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_contract" PRIMARY KEY AUTOINCREMENT,
    "contract_number" TEXT NOT NULL,
    "product_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "sum_assured" TEXT NOT NULL,
    "premium" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "payment_mode" TEXT NOT NULL,
    "payment_method" TEXT NOT NULL,
    "issue_date" TEXT NOT NULL,
    "maturity_date" TEXT NULL,
    "selling_agent_id" INTEGER NULL,
    "servicing_agent_id" INTEGER NULL,
    "channel" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "status_date" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_contract_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_contract_product_id" FOREIGN KEY ("product_id") REFERENCES "product" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_contract_selling_agent_id" FOREIGN KEY ("selling_agent_id") REFERENCES "agent" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_contract_servicing_agent_id" FOREIGN KEY ("servicing_agent_id") REFERENCES "agent" ("id") ON DELETE RESTRICT
);


CREATE TABLE "claim" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_claim" PRIMARY KEY AUTOINCREMENT,
    "claim_number" TEXT NOT NULL,
    "contract_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "cause" TEXT NOT NULL,
    "claim_date" TEXT NOT NULL,
    "paid_date" TEXT NULL,
    "amount_paid" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    CONSTRAINT "fk_claim_contract_id" FOREIGN KEY ("contract_id") REFERENCES "contract" ("id") ON DELETE RESTRICT
);


CREATE TABLE "contract_rider" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_contract_rider" PRIMARY KEY AUTOINCREMENT,
    "contract_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "product_id" INTEGER NOT NULL,
    "sum_assured" TEXT NOT NULL,
    "premium" TEXT NOT NULL,
    CONSTRAINT "fk_contract_rider_contract_id" FOREIGN KEY ("contract_id") REFERENCES "contract" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_contract_rider_product_id" FOREIGN KEY ("product_id") REFERENCES "product" ("id") ON DELETE RESTRICT
);


CREATE TABLE "contract_role" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_contract_role" PRIMARY KEY AUTOINCREMENT,
    "contract_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "share_percent" TEXT NULL,
    CONSTRAINT "fk_contract_role_contract_id" FOREIGN KEY ("contract_id") REFERENCES "contract" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_contract_role_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE RESTRICT
);


CREATE TABLE "contract_status_change" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_contract_status_change" PRIMARY KEY AUTOINCREMENT,
    "contract_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "from_status" TEXT NULL,
    "to_status" TEXT NOT NULL,
    "effective_date" TEXT NOT NULL,
    "recorded_at" TEXT NOT NULL,
    "reason" TEXT NULL,
    CONSTRAINT "fk_contract_status_change_contract_id" FOREIGN KEY ("contract_id") REFERENCES "contract" ("id") ON DELETE CASCADE
);


CREATE INDEX "ix_agent_branch_id" ON "agent" ("branch_id");


CREATE UNIQUE INDEX "ix_agent_code" ON "agent" ("code");


CREATE UNIQUE INDEX "ix_app_user_user_name" ON "app_user" ("user_name");


CREATE UNIQUE INDEX "ix_branch_code" ON "branch" ("code");


CREATE UNIQUE INDEX "ix_claim_claim_number" ON "claim" ("claim_number");


CREATE INDEX "ix_claim_contract_id" ON "claim" ("contract_id");


CREATE INDEX "ix_claim_customer_id" ON "claim" ("customer_id");


CREATE UNIQUE INDEX "ix_contract_contract_number" ON "contract" ("contract_number");


CREATE INDEX "ix_contract_customer_id" ON "contract" ("customer_id");


CREATE INDEX "ix_contract_product_id" ON "contract" ("product_id");


CREATE INDEX "ix_contract_selling_agent_id" ON "contract" ("selling_agent_id");


CREATE INDEX "ix_contract_servicing_agent_id" ON "contract" ("servicing_agent_id");


CREATE INDEX "ix_contract_rider_contract_id" ON "contract_rider" ("contract_id");


CREATE INDEX "ix_contract_rider_product_id" ON "contract_rider" ("product_id");


CREATE INDEX "ix_contract_role_contract_id" ON "contract_role" ("contract_id");


CREATE INDEX "ix_contract_role_customer_id" ON "contract_role" ("customer_id");


CREATE INDEX "ix_contract_status_change_contract_id" ON "contract_status_change" ("contract_id");


CREATE INDEX "ix_customer_merged_into_id" ON "customer" ("merged_into_id");


CREATE INDEX "ix_customer_name_id" ON "customer" ("name", "id");


CREATE INDEX "ix_customer_rrn_hash" ON "customer" ("rrn_hash");


CREATE INDEX "ix_customer_address_customer_id" ON "customer_address" ("customer_id");


CREATE INDEX "ix_customer_email_customer_id" ON "customer_email" ("customer_id");


CREATE INDEX "ix_customer_phone_customer_id" ON "customer_phone" ("customer_id");


CREATE INDEX "ix_customer_phone_number" ON "customer_phone" ("number");


CREATE INDEX "ix_customer_relationship_customer_id" ON "customer_relationship" ("customer_id");


CREATE INDEX "ix_customer_relationship_related_customer_id" ON "customer_relationship" ("related_customer_id");


CREATE INDEX "ix_customer_source_key_customer_id" ON "customer_source_key" ("customer_id");


CREATE UNIQUE INDEX "ix_customer_source_key_source_system_source_id" ON "customer_source_key" ("source_system", "source_id");


CREATE INDEX "ix_household_member_customer_id" ON "household_member" ("customer_id");


CREATE INDEX "ix_household_member_household_id" ON "household_member" ("household_id");


CREATE INDEX "ix_identity_merge_merged_id" ON "identity_merge" ("merged_id");


CREATE INDEX "ix_identity_merge_survivor_id" ON "identity_merge" ("survivor_id");


CREATE INDEX "ix_interaction_customer_id_occurred_at" ON "interaction" ("customer_id", "occurred_at");


CREATE UNIQUE INDEX "ix_interaction_source_key" ON "interaction" ("source_key");


CREATE INDEX "ix_loan_customer_id" ON "loan" ("customer_id");


CREATE UNIQUE INDEX "ix_loan_loan_number" ON "loan" ("loan_number");


CREATE INDEX "ix_loan_product_id" ON "loan" ("product_id");


CREATE INDEX "ix_marketing_consent_customer_id" ON "marketing_consent" ("customer_id");


CREATE UNIQUE INDEX "ix_product_code" ON "product" ("code");



