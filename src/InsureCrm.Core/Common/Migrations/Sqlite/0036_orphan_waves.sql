-- 0036: the orphan service's staggered roll-out (issue 15, point 4); see the PostgreSQL script.
ALTER TABLE "orphan_case" ADD COLUMN "wave" TEXT NOT NULL DEFAULT 'Immediate';
ALTER TABLE "orphan_case" ADD COLUMN "assign_after" TEXT NULL;

CREATE TABLE "orphan_rollout" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_orphan_rollout" PRIMARY KEY AUTOINCREMENT,
    "salt" TEXT NOT NULL,
    "created_at" TEXT NOT NULL
);
