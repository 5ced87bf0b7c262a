-- 0046: call_queue_move, a queue item's hands after its first distribution; see the PostgreSQL script.
CREATE TABLE "call_queue_move" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_call_queue_move" PRIMARY KEY AUTOINCREMENT,
    "item_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "from_user_id" INTEGER NOT NULL,
    "to_user_id" INTEGER NULL,
    "moved_at" TEXT NOT NULL,
    "moved_by" TEXT NOT NULL,
    "reason" TEXT NOT NULL
);

CREATE INDEX "ix_call_queue_move_item_id" ON "call_queue_move" ("item_id");
CREATE INDEX "ix_call_queue_move_moved_at" ON "call_queue_move" ("moved_at");
