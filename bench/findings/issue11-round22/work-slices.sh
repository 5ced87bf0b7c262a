#!/bin/bash
# usage: work-slices.sh NAME PORT [SLICES] [SECONDS]  (round 22, scratch measurements of issue 11)
# The bench's view mix against the host NAME (round 21's host.sh) in consecutive slices (default 24 of 5 s), 16 clients;
# a line a slice: time, a second, p99, CPU ms a view of the host, of bench_gen's backends and of wrk, and PostgreSQL's
# work a view: WAL records, full-page images, WAL bytes, buffer hits, blocks read, rows returned and fetched, commits
# (pg_stat_wal, pg_stat_database). The backends send their counts at most once a second, so a 5 s slice's work figures
# are lumpy by about a tenth; bench/foundation.sh (bench_pg_work) waits for them instead. OUT as in host.sh
# (default /tmp/round21); the bench cluster (5433) must run.
set -u
name=$1; port=$2; n=${3:-24}; s=${4:-5}
here=$(cd "$(dirname "$0")" && pwd); out=${OUT:-/tmp/round21}
export PGPASSWORD=${PGPASSWORD:-postgres}
q="SELECT w.wal_records, w.wal_fpi, w.wal_bytes, d.blks_hit, d.blks_read, d.tup_returned, d.tup_fetched, d.xact_commit
   FROM pg_stat_database d, pg_stat_wal w WHERE d.datname = 'bench_gen'"
snap() { psql -p 5433 -h 127.0.0.1 -U postgres -d postgres -Atc "$q" | tr '|' ' '; }
echo "# time, a second, p99, CPU ms a view (web, PostgreSQL, wrk), then a view's WAL records, full-page images, WAL bytes, buffer hits, blocks read, rows returned, rows fetched, commits"
for _ in $(seq 1 "$n"); do
  a=$(snap)
  python3 "$here/../../cpuwrap.py" "$(cat "$out/$name.pid")" bench_gen "$out/work-slices.cpu" -- \
    wrk -t2 -c16 -d"$s"s --latency -s "$out/$name.lua" "http://127.0.0.1:$port" >"$out/work-slices.wrk"
  sleep 0.5; b=$(snap)
  read -r web db wrk _ <"$out/work-slices.cpu"
  python3 - "$out/work-slices.wrk" "$web $db $wrk" "$a" "$b" <<'PY'
import re, sys, time
text = open(sys.argv[1]).read()
n = int(re.search(r"(\d+) requests in", text).group(1))
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p99 = re.search(r"^\s*99%\s+(\S+)", text, re.M).group(1)
cpu = [int(x) / n for x in sys.argv[2].split()]
a, b = ([int(x) for x in v.split()] for v in sys.argv[3:5])
work = [(y - x) / n for x, y in zip(a, b)]
print(time.strftime("%H:%M:%S"), f"{rate:.0f}", p99, " ".join(f"{c:.3f}" for c in cpu),
      " ".join(f"{w:.2f}" for w in work))
PY
done
