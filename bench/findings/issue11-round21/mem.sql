-- Ten random customers of bench_gen with their contracts and contract roles: a read as memory-heavy as the view's
-- queries (about 0.5 ms of PostgreSQL CPU), without the web host and without an access-log entry. Run by rotate.sh.
SELECT count(*), sum(k.premium) FROM customer c JOIN contract k ON k.customer_id = c.id JOIN contract_role r ON r.contract_id = k.id WHERE c.id IN (SELECT (random()*999000)::bigint + 1 FROM generate_series(1,10));
