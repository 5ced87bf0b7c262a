#!/usr/bin/env bash
# usage: bench.sh <label> [webdir]   -- like bench/foundation.sh step 3, on /tmp/sqlite/run.db (fresh copy of pristine.db)
set -euo pipefail
label=$1; webdir=${2:-/tmp/sqlite/web}; warmup=${WARMUP:-60s}; duration=${DURATION:-20s}; runs=${RUNS:-2}; kinds=${KINDS:-search view}
out=/tmp/sqlite/out/$label; mkdir -p $out
cd /tmp/sqlite
rm -f run.db run.db-wal run.db-shm; cp pristine.db run.db
source "$(cd "$(dirname "$0")/../.." && pwd)/lib.sh"
export Database__Provider=Sqlite ConnectionStrings__Crm="Data Source=/tmp/sqlite/run.db" Security__Protection__KeyFile=/tmp/sqlite/keys.json
port=5331
ASPNETCORE_ENVIRONMENT=Production Urls="http://127.0.0.1:$port" Demo__GenerateOnStartup=false Security__Web__SecureCookies=SameAsRequest \
  bash -c "cd ${CONTENT_ROOT:-.} && exec nice -n 10 dotnet $webdir/InsureCrm.Web.dll" >"$out/web.log" 2>&1 &
web=$!
echo $web > $out/web.pid
trap 'kill $web 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done
cookie=$(bench_login "$port" "$out/cookies.txt")
sql() { sqlite3 pristine.db "$1"; }
lua_paths() { python3 -c 'import sys, urllib.parse
print("paths = {")
for line in sys.stdin:
    line = line.strip()
    if line:
        print("  \"" + urllib.parse.quote(line, safe="/?=&") + "\",")
print("}")'; }
{
  sql "SELECT substr(name, 1, 2) FROM customer WHERE merged_into_id IS NULL ORDER BY id LIMIT 300"
  sql "SELECT name FROM customer WHERE merged_into_id IS NULL ORDER BY id DESC LIMIT 300"
  sql "SELECT number FROM customer_phone ORDER BY id LIMIT 300"
  sql "SELECT contract_number FROM contract ORDER BY id DESC LIMIT 300"
} | sed 's|^|/api/customers?q=|' | lua_paths >"$out/search-paths.lua"
sql "SELECT id FROM customer WHERE merged_into_id IS NULL ORDER BY (id * 7919) % 100003 LIMIT 2000" \
  | sed 's|^\(.*\)$|/api/customers/\1?reason=inquiry|' | lua_paths >"$out/view-paths.lua"
cpu() { awk '{print $14+$15}' /proc/$web/stat; }
for kind in $kinds; do
  bench_wrk_script "$out/$kind-paths.lua" "$cookie" "$out/$kind.lua"
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$port$(sed -n 2p "$out/$kind-paths.lua" | tr -d ' ",')")
  [ "$status" = 200 ] || { echo "$kind: sample answered $status"; exit 1; }
  nice -n 10 wrk -t2 -c16 -d"$warmup" -s "$out/$kind.lua" "http://127.0.0.1:$port" >"$out/$kind.warmup.wrk"
  if [[ " ${TRACE:-} " == *" $kind "* ]]; then
    nice -n 10 wrk -t2 -c16 -d30s -s "$out/$kind.lua" "http://127.0.0.1:$port" >"$out/$kind.trace.wrk" &
    wrkpid=$!
    sleep 3
    /tmp/sqlite/tools/dotnet-trace collect-linux -p $web --profile cpu-sampling --duration 00:00:00:20 -o $out/$kind.nettrace >/dev/null 2>&1 || true
    wait $wrkpid
  fi
  for run in $(seq 1 "$runs"); do
    load=$(cut -d' ' -f1-3 /proc/loadavg); c0=$(cpu)
    nice -n 10 wrk -t2 -c16 -d"$duration" --latency -s "$out/$kind.lua" "http://127.0.0.1:$port" >"$out/$kind.$run.wrk"
    c1=$(cpu); load2=$(cut -d' ' -f1-3 /proc/loadavg)
    p50=$(awk '$1=="50%" {print $2}' "$out/$kind.$run.wrk"); p99=$(awk '$1=="99%" {print $2}' "$out/$kind.$run.wrk")
    rps=$(awk '/Requests\/sec/ {print $2}' "$out/$kind.$run.wrk"); reqs=$(awk '/requests in/ {print $1}' "$out/$kind.$run.wrk")
    errs=$(grep -E "Non-2xx|Socket errors" "$out/$kind.$run.wrk" || true)
    cpums=$(python3 -c "print(f'{($c1-$c0)*10/$reqs:.2f}')")
    echo "[$label] $kind run $run: p50 $p50, p99 $p99, $rps req/s, web CPU $cpums ms/req; load before $load, after $load2 ${errs:+($errs)}" | tee -a $out/summary.txt
  done
done
echo "[$label] web VmHWM $(awk '/VmHWM/ {print $2}' /proc/$web/status) kB, db $(du -sh /tmp/sqlite/run.db* | tr '\n' ' ')" | tee -a $out/summary.txt
