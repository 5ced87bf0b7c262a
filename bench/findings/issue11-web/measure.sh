#!/bin/bash
# usage: measure.sh BUILD_DIR LABEL [KINDS]  (KINDS default "view search")
# The web host (published BUILD_DIR) on port 5321 against web_1m on the main cluster (5432, PG defaults), measured
# like bench/foundation.sh: bench_login, the same 2,000 view paths and 1,200 search paths, a 60 s warm-up, then 2
# runs of `wrk -t2 -c16 -d20s --latency`; everything under nice -n 10. PORT, DB, OUT (folder of the results) and KEYS
# (key file) override the defaults 5321, web_1m, /tmp/web and /tmp/web/keys.json. Without TLS to PostgreSQL, as bench/lib.sh
# connects (on one host TLS only costs CPU on both sides; one pair of view runs on 2026-12-03: web 1.07 ms a view
# without it, 1.88 with it). Per run: CPU ms per request of the web
# process, of web_1m's PostgreSQL backends and of wrk (cpuwrap.py), and the load average before it.
set -u
dir=$1; label=$2; kinds=${3:-view search}
here=$(cd "$(dirname "$0")" && pwd)
port=${PORT:-5321}; db=${DB:-web_1m}; out=${OUT:-/tmp/web}/m-$label; mkdir -p $out
source "$here/../../lib.sh"
BENCH_PG_PORT=5432
psqlq() { bench_psql $db -Atc "$1"; }
export Database__Provider=Postgres ConnectionStrings__Crm="Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=$db;Maximum Pool Size=64;SSL Mode=Disable${CS_EXTRA:+;$CS_EXTRA}"
export Security__Protection__KeyFile=${KEYS:-/tmp/web/keys.json}
curl -s -o /dev/null "http://127.0.0.1:$port/health/live" && { echo "port $port is in use: stop that host first"; exit 1; }
ASPNETCORE_ENVIRONMENT=Production Urls="http://127.0.0.1:$port" Demo__GenerateOnStartup=false Security__Web__SecureCookies=SameAsRequest \
  nice -n 10 dotnet $dir/InsureCrm.Web.dll >$out/web.log 2>&1 &
web=$!
echo $web > $out/web.pid
trap 'kill $web 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done
cookie=$(bench_login "$port" "$out/cookies.txt")
lua_paths() {
  python3 -c 'import sys, urllib.parse
print("paths = {")
for line in sys.stdin:
    line = line.strip()
    if line:
        print("  \"" + urllib.parse.quote(line, safe="/?=&") + "\",")
print("}")'
}
{
  psqlq "SELECT substr(name, 1, 2) FROM customer WHERE merged_into_id IS NULL ORDER BY id LIMIT 300"
  psqlq "SELECT name FROM customer WHERE merged_into_id IS NULL ORDER BY id DESC LIMIT 300"
  psqlq "SELECT number FROM customer_phone ORDER BY id LIMIT 300"
  psqlq "SELECT contract_number FROM contract ORDER BY id DESC LIMIT 300"
} | sed 's|^|/api/customers?q=|' | lua_paths >"$out/search-paths.lua"
psqlq "SELECT id FROM customer WHERE merged_into_id IS NULL ORDER BY (id * 7919) % 100003 LIMIT 2000" \
  | sed 's|^\(.*\)$|/api/customers/\1?reason=inquiry|' | lua_paths >"$out/view-paths.lua"
: > $out/summary.txt
for kind in $kinds; do
  bench_wrk_script "$out/$kind-paths.lua" "$cookie" "$out/$kind.lua"
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$port$(sed -n 2p "$out/$kind-paths.lua" | tr -d ' ",')")
  [ "$status" = 200 ] || { echo "$kind: sample answered $status"; exit 1; }
  echo "$kind warm-up: load $(cut -d' ' -f1-3 /proc/loadavg)" >> $out/summary.txt
  nice -n 10 wrk -t2 -c16 -d${WARMUP:-60s} -s "$out/$kind.lua" "http://127.0.0.1:$port" >"$out/$kind.warmup.wrk"
  for run in $(seq 1 ${RUNS:-2}); do
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    python3 $here/../../cpuwrap.py $web $db $out/$kind.$run.cpu -- nice -n 10 wrk -t2 -c16 -d20s --latency -s "$out/$kind.lua" "http://127.0.0.1:$port" >"$out/$kind.$run.wrk"
    read wms pms cms jms < $out/$kind.$run.cpu
    req=$(awk '/requests in/ {print $1}' "$out/$kind.$run.wrk")
    p50=$(awk '$1=="50%" {print $2}' "$out/$kind.$run.wrk"); p99=$(awk '$1=="99%" {print $2}' "$out/$kind.$run.wrk")
    rps=$(awk '/Requests\/sec/ {print $2}' "$out/$kind.$run.wrk"); errs=$(grep -E "Non-2xx|Socket errors" "$out/$kind.$run.wrk" | tr -s ' ' || true)
    python3 -c "print('$kind run $run (load before $load): p50 $p50, p99 $p99, $rps req/s ${errs:+($errs)}; CPU ms/request web %.2f (of which JIT %.2f), pg %.2f, wrk %.2f, total %.2f; without JIT %.2f' % ($wms/$req, $jms/$req, $pms/$req, $cms/$req, ($wms+$pms+$cms)/$req, ($wms-$jms+$pms+$cms)/$req))" >> $out/summary.txt
  done
done
echo "web host VmHWM $(( $(awk '/VmHWM/ {print $2}' /proc/$web/status) / 1024 )) MB; load after $(cut -d' ' -f1-3 /proc/loadavg)" >> $out/summary.txt
if [ -n "${KEEP:-}" ]; then echo "keeping web host $web running"; trap - EXIT; fi
cat $out/summary.txt
