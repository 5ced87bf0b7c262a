-- 0004: accounts for ASP.NET Core Identity (lockout, security stamp), server-side sessions and the
-- record of access-right changes (kept at least 3 years).
ALTER TABLE "app_user" ADD COLUMN "normalized_user_name" TEXT NOT NULL DEFAULT '';
ALTER TABLE "app_user" ADD COLUMN "security_stamp" TEXT NOT NULL DEFAULT '';
ALTER TABLE "app_user" ADD COLUMN "concurrency_stamp" TEXT NOT NULL DEFAULT '';
ALTER TABLE "app_user" ADD COLUMN "lockout_enabled" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "app_user" ADD COLUMN "lockout_end" TEXT NULL;
ALTER TABLE "app_user" ADD COLUMN "access_failed_count" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "app_user" ADD COLUMN "password_changed_at" TEXT NULL;
UPDATE "app_user" SET "normalized_user_name" = upper("user_name"),
                      "security_stamp" = hex(randomblob(16)),
                      "concurrency_stamp" = hex(randomblob(16));
CREATE UNIQUE INDEX "ix_app_user_normalized_user_name" ON "app_user" ("normalized_user_name");

CREATE TABLE "user_session" (
    "id" TEXT NOT NULL CONSTRAINT "pk_user_session" PRIMARY KEY,
    "user_id" INTEGER NOT NULL,
    "created_at" TEXT NOT NULL,
    "last_seen_at" TEXT NOT NULL,
    "ended_at" TEXT NULL,
    "end_reason" TEXT NULL,
    "ip" TEXT NOT NULL,
    "user_agent" TEXT NOT NULL,
    CONSTRAINT "fk_user_session_user_id" FOREIGN KEY ("user_id") REFERENCES "app_user" ("id") ON DELETE CASCADE
);
CREATE INDEX "ix_user_session_user_id" ON "user_session" ("user_id");

CREATE TABLE "access_right_change" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_access_right_change" PRIMARY KEY AUTOINCREMENT,
    "at" TEXT NOT NULL,
    "actor_user_id" INTEGER NULL,
    "actor_user_name" TEXT NOT NULL,
    "target_user_id" INTEGER NOT NULL,
    "target_user_name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "old_role" TEXT NULL,
    "new_role" TEXT NULL,
    "detail" TEXT NULL
);
CREATE INDEX "ix_access_right_change_at" ON "access_right_change" ("at");
CREATE INDEX "ix_access_right_change_target_user_id_at" ON "access_right_change" ("target_user_id", "at");
