#!/bin/bash
# usage: rotate.sh ROUNDS SECONDS WORKLOAD...  (round 21, scratch measurements of issue 11)
# Runs the workloads one after the other, ROUNDS times, SECONDS each, 16 clients on two threads, so that all of them
# see the same minutes of the machine; one line a run: round, time, workload, a second, p99 (wrk), and for a web host
# the CPU ms a request of the host, of bench_gen's PostgreSQL backends and of wrk (bench/cpuwrap.py). A workload is
#   NAME:PORT   the bench's view mix against a host started by host.sh NAME on PORT
#   pgbench-S   pgbench -S -M prepared on bench_pgbench (create it once: createdb bench_pgbench; pgbench -i -s 70)
#   mem         mem.sql on bench_gen (see there)
# The bench cluster (5433, password postgres) must run. Each host is warmed up for 30 s first. OUT as in host.sh.
set -u
rounds=$1; secs=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd); out=${OUT:-/tmp/round21}
export PGPASSWORD=${PGPASSWORD:-postgres}
pg="-p 5433 -h 127.0.0.1 -U postgres"
view() { # $1 NAME, $2 PORT, $3 seconds
  python3 "$here/../../cpuwrap.py" "$(cat "$out/$1.pid")" bench_gen "$out/rotate.cpu" -- \
    wrk -t2 -c16 -d"$3"s --latency -s "$out/$1.lua" "http://127.0.0.1:$2" >"$out/rotate.wrk"
}
for w in "$@"; do case $w in *:*) view "${w%%:*}" "${w##*:}" 30 ;; esac; done
for i in $(seq 1 "$rounds"); do
  for w in "$@"; do
    case $w in
      pgbench-S) line=$(pgbench -S -M prepared -c16 -j2 -T"$secs" $pg bench_pgbench 2>/dev/null | awk '/^tps/ {printf "%.0f", $3}') ;;
      mem) line=$(pgbench -n -f "$here/mem.sql" -c16 -j2 -T"$secs" $pg bench_gen 2>/dev/null | awk '/^tps/ {printf "%.0f", $3}') ;;
      *:*)
        view "${w%%:*}" "${w##*:}" "$secs"
        read -r web db wrk _ <"$out/rotate.cpu"
        line=$(awk -v w="$web" -v d="$db" -v c="$wrk" '/requests in/ {n = $1} /Requests\/sec/ {r = $2} $1 == "99%" {p = $2}
          END {printf "%.0f p99 %s CPU ms a request: web %.3f, PostgreSQL %.3f, wrk %.3f", r, p, w / n, d / n, c / n}' "$out/rotate.wrk") ;;
      *) echo "unknown workload $w"; exit 2 ;;
    esac
    echo "$i $(date +%T) $w $line"
  done
done
