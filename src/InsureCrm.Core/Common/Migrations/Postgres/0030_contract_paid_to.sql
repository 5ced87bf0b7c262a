-- 0030: the paid-to date of a contract (납입기일: the first unpaid premium falls due on it), as the policy admin system
-- exports it; null = not imported (unknown). The worklist build's unpaid-premium source (issue 14) reads the premium-paying
-- contracts paid to a date before the build day: a partial index of the in-force/reinstated non-lump-sum contracts by that
-- date, so the build reads the few behind instead of every contract.
ALTER TABLE contract ADD COLUMN paid_to_date date;
CREATE INDEX ix_contract_premium_paying_paid_to ON contract (paid_to_date) WHERE status IN ('InForce', 'Reinstated') AND payment_mode <> 'LumpSum';
