-- 0029: two indexes for the nightly worklist build (issue 14; bench/findings/2026-12-04-issue14-worklist.md, measured at
-- 1M customers, 5.8M interactions, 1.6M contracts, warm).
-- The last coverage check per customer (Worklists/Build/Book.cs) from an index of the coverage-check interactions alone
-- (5 % of them, 9.5 MB) instead of a scan of the whole interaction table (593 MB) every night: 1.75 s -> 0.29 s.
-- Only coverage checks pay for it on insert.
CREATE INDEX ix_interaction_coverage_check ON interaction (customer_id, occurred_at) WHERE purpose = 'CoverageCheck';
-- The contracts maturing within the horizon (Worklists/Build/Sources.cs) without a scan of every contract: 347 ms -> 54 ms.
CREATE INDEX ix_contract_maturity_date ON contract (maturity_date);
