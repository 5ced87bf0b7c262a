#!/usr/bin/env bash
# VOC benchmark (issue 16) at 1,000,000 customers and 500,000 VOC cases on PostgreSQL. Not part of the test suite.
#
#   bench/voc.sh          # after `bench/foundation.sh postgres 1000000` and `bench/nightly.sh postgres`
#
# It works on DB (default bench_voc, a copy of bench_nightly made once and kept; FRESH=1 makes it again). The copy gets
# 500,000 cases in SQL (generate_series, once): two years of voices, heavier in recent weeks, across the types, the
# category leaves, the channels, live customers, their contracts and agents; a quarter still open, their due times
# spread around now so that the SLA run has work. DB=bench_nightly is refused: the script changes what it measures.
# Measures, each ROUNDS times (default 3) after an untimed warm-up:
#   dashboard  GET /voc/dashboard as a VOC handler (bench-voc, role VocHandler) with its cookie: the cards, six
#              dimensions over twelve weeks, causes, gaps (goal: < 1 s). The web host runs on PORT (default 5351).
#   sla        `voc sla run` over every open case, worst case: before each round every warning and escalation mark is
#              cleared, so the run warns and escalates all cases whose time passed at once (goal: < 10 s).
#   classify   not measured here: the classifier's training verb (voc classifier train) is not on main yet; see the
#              report of the classifier's slice for its figures.
# Each CLI run prints wall time, the CLI's and the backends' CPU seconds and the peak RSS (bench/worklist/measure.py).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
out=bench/out/postgres; mkdir -p "$out"
log() { echo "[bench] $*"; }
db=${DB:-bench_voc}
[ "$db" != bench_nightly ] || { echo "DB=bench_nightly: this script adds 500,000 cases and clears SLA marks; use a copy (the default bench_voc)" >&2; exit 1; }
if [ "${PUBLISH:-1}" = 1 ]; then
  dotnet publish src/InsureCrm.Cli -c Release -o bench/out/cli -nologo -v q >/dev/null
  dotnet publish src/InsureCrm.Web -c Release -o bench/out/web -nologo -v q >/dev/null
fi
cli="dotnet $PWD/bench/out/cli/insurecrm.dll"
export INSURECRM_USER=bench
source bench/lib.sh
bench_keys "$db"
bench_pg
if [ "${FRESH:-0}" = 1 ] || ! bench_db_exists "$db"; then
  bench_db_exists bench_nightly || { echo "bench_nightly is missing: run bench/foundation.sh postgres 1000000, then bench/nightly.sh postgres" >&2; exit 1; }
  log "copying bench_nightly to $db"
  bench_sql -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db TEMPLATE bench_nightly"
  rm -f "bench/out/$db.access-log-head.json"
fi
export Database__Provider=Postgres ConnectionStrings__Crm="$(bench_pg_cs "$db")"
sql() { bench_sql -d "$db" -Atc "$1"; }
$cli db migrate >/dev/null

want=${CASES:-500000}
have=$(sql "SELECT COUNT(*) FROM voc_case")
if [ "$have" -lt "$want" ]; then
  log "filling $((want - have)) VOC cases"
  t0=$(date +%s.%N)
  sql "
    CREATE TEMP TABLE cat AS SELECT row_number() OVER (ORDER BY code) - 1 AS i, code FROM voc_category WHERE parent_code IS NOT NULL;
    CREATE TEMP TABLE dep AS SELECT row_number() OVER (ORDER BY id) - 1 AS i, id FROM voc_department WHERE branch_id IS NULL;
    CREATE TEMP TABLE ag AS SELECT row_number() OVER (ORDER BY id) - 1 AS i, id FROM agent;
    CREATE TEMP TABLE k AS SELECT row_number() OVER (ORDER BY id) - 1 AS i, id, customer_id FROM contract;
    ANALYZE cat, dep, ag, k;
    WITH base AS (
      SELECT g,
        -- two years back, squared so recent weeks hold more
        now() - (power(random(), 2) * interval '730 days') AS received,
        random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5
      FROM generate_series($have + 1, $want) g)
    INSERT INTO voc_case (number, channel, type, category_code, severity, subject, text, state, customer_id, contract_id, agent_id,
      managing_department_id, received_at, created_by, first_response_due_at, first_responded_at, resolution_due_at, warn_at,
      resolved_at, breached, cause, gap, satisfaction, front_line, repeat_of_id, version)
    SELECT 'VOC-B-' || lpad(g::text, 9, '0'),
      (ARRAY['CallCenter','Branch','Agent','WebForm','Email','Letter','Regulator','WebMention'])[1 + floor(b.r1 * 8)::int],
      (ARRAY['Complaint','Complaint','Complaint','Inquiry','Inquiry','Consultation','Suggestion','Compliment','Report'])[1 + floor(b.r2 * 9)::int],
      (SELECT code FROM cat WHERE cat.i = floor(b.r3 * (SELECT COUNT(*) FROM cat))::int),
      (ARRAY['Low','Normal','Normal','High','Critical'])[1 + floor(b.r4 * 5)::int],
      '벤치마크 VOC ' || g, '보험금 청구 후 연락이 없습니다. 담당 설계사와 통화가 되지 않습니다. (' || g || ')',
      CASE WHEN b.received > now() - interval '60 days' AND b.r5 < 0.6 THEN 'InProgress' WHEN b.r5 < 0.05 THEN 'Assigned' ELSE 'Closed' END,
      kk.customer_id, CASE WHEN b.r4 < 0.7 THEN kk.id END,
      (SELECT id FROM ag WHERE ag.i = floor(b.r1 * (SELECT COUNT(*) FROM ag))::int),
      (SELECT id FROM dep WHERE dep.i = floor(b.r2 * (SELECT COUNT(*) FROM dep))::int),
      b.received, 'bench',
      b.received + interval '4 hours', CASE WHEN b.r3 < 0.8 THEN b.received + interval '2 hours' END,
      b.received + interval '3 days', b.received + interval '2 days',
      CASE WHEN NOT (b.received > now() - interval '60 days' AND b.r5 < 0.6) AND b.r5 >= 0.05 THEN b.received + (b.r4 * interval '5 days') END,
      false,
      CASE WHEN NOT (b.received > now() - interval '60 days' AND b.r5 < 0.6) AND b.r5 >= 0.05
           THEN (ARRAY['ProductTerms','Process','Process','System','StaffConduct','Communication','ThirdParty','CustomerMisunderstanding','Other'])[1 + floor(b.r3 * 9)::int] END,
      CASE WHEN b.r1 < 0.3 THEN (ARRAY['Expectations','Design','Delivery','Communication'])[1 + floor(b.r2 * 4)::int] END,
      CASE WHEN b.r4 < 0.4 THEN 1 + floor(b.r5 * 5)::int END,
      false, CASE WHEN b.r5 < 0.03 THEN g - 1 END, 0
    FROM base b
    JOIN k kk ON kk.i = (g * 7919) % (SELECT COUNT(*) FROM k);
    ANALYZE voc_case" >/dev/null
  log "filled in $(python3 -c "import time; print(f'{time.time() - $t0:.1f}')") s"
fi
log "rows: $(sql 'SELECT COUNT(*) FROM customer') customers, $(sql 'SELECT COUNT(*) FROM voc_case') cases ($(sql "SELECT COUNT(*) FROM voc_case WHERE state NOT IN ('Resolved','Closed')") open, $(sql "SELECT COUNT(*) FROM voc_case WHERE received_at >= now() - interval '84 days'") in the last 12 weeks)"
log "database settings: port $BENCH_PG_PORT, PG_SETTINGS=${PG_SETTINGS:-recommended}; $(bench_server_note)"

declare -A runs=()
status=0
export MEASURE_TAIL=3

# --- sla: every open case, worst case (all marks cleared) ----------------------------------------------------------------
if [ "${SLA:-1}" = 1 ]; then
  reset_sla() {
    sql "DELETE FROM voc_event WHERE by = 'system:sla';
         UPDATE voc_case SET warned_at = NULL, escalated_at = NULL, breached = false
           WHERE state NOT IN ('Resolved','Closed') AND (warned_at IS NOT NULL OR escalated_at IS NOT NULL OR breached);
         VACUUM ANALYZE voc_case" >/dev/null
  }
  reset_sla
  $cli voc sla run >"$out/voc-sla-warmup.log" 2>&1 || { cat "$out/voc-sla-warmup.log"; exit 1; }
  for round in $(seq 1 "$rounds"); do
    reset_sla
    bench_measure sla 10 "$out/voc-sla-$round.log" $cli voc sla run
  done
  bench_measure sla-rerun 10 "$out/voc-sla-rerun.log" $cli voc sla run
fi

# --- dashboard: the page as a VOC handler ---------------------------------------------------------------------------------
if [ "${DASHBOARD:-1}" = 1 ]; then
  port=${PORT:-5351}
  curl -s -o /dev/null "http://127.0.0.1:$port/health/live" && { echo "port $port is in use: stop that host or set PORT" >&2; exit 1; }
  [ -n "$(sql "SELECT 1 FROM app_user WHERE user_name = 'bench-voc'")" ] || echo 'Demo!2026crm' | $cli users add bench-voc --role VocHandler --password-stdin >/dev/null
  ASPNETCORE_ENVIRONMENT=Production Urls="http://127.0.0.1:$port" Demo__GenerateOnStartup=false Security__Web__SecureCookies=SameAsRequest \
    dotnet bench/out/web/InsureCrm.Web.dll >"$out/voc-web.log" 2>&1 &
  web=$!
  trap 'kill "$web" 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done
  cookie=$(bench_login "$port" "$out/voc-cookies.txt" bench-voc)
  curl -fs -o /dev/null -H "Cookie: $cookie" "http://127.0.0.1:$port/voc/dashboard"   # warm-up
  for round in $(seq 1 $(( rounds + 2 ))); do
    t=$(curl -fs -o "$out/voc-dashboard.html" -w '%{time_total}' -H "Cookie: $cookie" "http://127.0.0.1:$port/voc/dashboard")
    runs[dashboard]="${runs[dashboard]:-} $t"
    flag=""; python3 -c "import sys; sys.exit(0 if $t < 1 else 1)" || { flag=" OVER GOAL (1 s)"; status=3; }
    log "dashboard GET /voc/dashboard ${t} s ($(wc -c <"$out/voc-dashboard.html") bytes), load $(cut -d' ' -f1 /proc/loadavg)$flag"
  done
  grep -q 'data-testid="voc-dash-week"' "$out/voc-dashboard.html" || { log "dashboard: the page did not show the cards"; status=1; }
  kill "$web" 2>/dev/null || true
fi

for name in "${!runs[@]}"; do bench_spread "$name" "${runs[$name]}"; done
exit $status
