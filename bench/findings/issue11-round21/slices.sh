#!/bin/bash
# usage: slices.sh NAME PORT [SLICES] [SECONDS]  (round 21, scratch measurements of issue 11)
# The bench's view mix against the host NAME (host.sh) in consecutive slices (default 24 of 5 s), 16 clients; a line
# a slice: time, a second, p99, CPU ms a view of the host, of bench_gen's backends and of wrk, context switches a
# view, the machine's idle and iowait %, and what the VM's DAMON scheme (if any) paged out during the slice. OUT as
# in host.sh. At the end, each column's correlation with the rate.
set -u
name=$1; port=$2; n=${3:-24}; s=${4:-5}
here=$(cd "$(dirname "$0")" && pwd); out=${OUT:-/tmp/round21}
damon=/sys/kernel/mm/damon/admin/kdamonds/0
paged() { # MB the DAMON scheme has paged out since it started, 0 without one
  if [ -w $damon/state ] && [ "$(cat $damon/state)" = on ]; then
    echo update_schemes_stats >$damon/state; echo $(( $(cat $damon/contexts/0/schemes/0/stats/sz_applied) / 1048576 ))
  else echo 0; fi
}
stat() { awk '/^cpu / {print $2+$3+$4+$5+$6+$7+$8, $5, $6} /^ctxt/ {print $2}' /proc/stat | tr '\n' ' '; }
: >"$out/slices.txt"
echo "# time, a second, p99, CPU ms a view: web, PostgreSQL, wrk; context switches a view; idle %, iowait %; MB paged out by DAMON"
for i in $(seq 1 "$n"); do
  d0=$(paged); a=($(stat))
  python3 "$here/../../cpuwrap.py" "$(cat "$out/$name.pid")" bench_gen "$out/slices.cpu" -- \
    wrk -t2 -c16 -d"$s"s --latency -s "$out/$name.lua" "http://127.0.0.1:$port" >"$out/slices.wrk"
  b=($(stat)); d1=$(paged)
  read -r web db wrk _ <"$out/slices.cpu"
  awk -v t="$(date +%T)" -v w="$web" -v d="$db" -v c="$wrk" -v tot=$((b[0]-a[0])) -v idle=$((b[1]-a[1])) -v iow=$((b[2]-a[2])) \
      -v cs=$((b[3]-a[3])) -v pg=$((d1-d0)) '/requests in/ {n = $1} /Requests\/sec/ {r = $2} $1 == "99%" {p = $2}
    END {printf "%s %.0f %s %.3f %.3f %.3f %.2f %.1f %.1f %d\n", t, r, p, w / n, d / n, c / n, cs / n, idle / tot * 100, iow / tot * 100, pg}' \
    "$out/slices.wrk" | tee -a "$out/slices.txt"
done
python3 - "$out/slices.txt" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
rate = [float(r[1]) for r in rows]
for name, col in (("web", 3), ("PostgreSQL", 4), ("wrk", 5), ("context switches", 6), ("idle", 7)):
    v = [float(r[col]) for r in rows]
    c = statistics.correlation(rate, v) if len(set(v)) > 1 else float("nan")
    print(f"{name}: {min(v)}-{max(v)}, correlation with the rate {c:.2f}")
print(f"a second: {min(rate):.0f}-{max(rate):.0f}")
PY
