-- 0013: the segment drill-downs list one grid cell or needs group of a run in customer-id order.
CREATE INDEX "ix_customer_segment_run_id_grid_cell_customer_id" ON "customer_segment" ("run_id", "grid_cell", "customer_id");
CREATE INDEX "ix_customer_segment_run_id_needs_group_customer_id" ON "customer_segment" ("run_id", "needs_group", "customer_id");
