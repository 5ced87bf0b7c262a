#!/usr/bin/env bash
# Call center and orphan benchmark (issue 15) at 1,000,000 customers on PostgreSQL, through the CLI an operator uses and
# the web page a consultant uses. Not part of the test suite.
#
#   bench/callcenter.sh          # after `bench/foundation.sh postgres 1000000` and `bench/nightly.sh postgres`
#
# It works on a copy of bench_worklist when it exists (bench/worklist.sh: the nightly chain's value run, scores, the
# targeting mart and a night of worklists), else of bench_nightly, called bench_callcenter (made once and kept; FRESH=1
# makes it again); DB=bench_worklist works on that database itself (no 11 GB copy), which the script leaves as it found
# it (the leavers active again, no cases, empty queues). Three measures, each ROUNDS times (default 2) on the same starting state, after an untimed warm-up:
#   orphans   500 departing agents: the 500 active selling agents (not CS consultants) with the most customers holding an
#             active contract are marked terminated as of D (in SQL, as the agent import does: status and termination date,
#             a new version), then `orphans assign --as-of D` is timed: it detects their customers, opens a case each and
#             assigns them to CS consultants by branch, region and load (goal: < 10 s for about 50,000 customers).
#             Before each round the cases, the overrides and the contracts' servicing agents are restored.
#   queues    `callcenter queues build --as-of D`: the day's outbound queues (happy calls, interest customers, prospects,
#             lapse risk, campaign call lists), each through the contact policy (goal: < 30 s). Each round starts from
#             empty queues.
#   lookup    finding the customer from the caller's number on the inbound console, GET /calls/inbound?q=NUMBER, with 16
#             call-center consultants at once (bench-cc-01..16, role CallCenter), each request the next of 2,000 numbers of
#             live customers drawn at random, in the formats a phone system sends (010-1234-5678, 01012345678, +82 10…):
#             wrk -t2 -c16, a 30 s warm-up, then ROUNDS runs of 20 s (goal: p99 < 20 ms) as fast as the host answers, then
#             ROUNDS runs with each client pausing PACE_MS (default 100 ms) on average between lookups, independently
#             (random pauses), and ROUNDS in lockstep (the same pause for all: bursts of 16). LOOKUP=0 skips it.
# Each timed CLI run prints its wall time, the CPU seconds of the CLI and of the database's backends and the CLI's peak
# RSS (bench/worklist/measure.py); the page its p50/p99, requests a second and the CPU ms a request of the web host, the
# backends and wrk (bench/cpuwrap.py). Other work on the machine makes wall times pessimistic: the
# load average is printed before each measure.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-2}
out=bench/out/postgres; mkdir -p "$out"
log() { echo "[bench] $*"; }
source bench/lib.sh
if [ "${PUBLISH:-1}" = 1 ]; then bench_publish_cli bench/out/cli; fi
cli="dotnet $PWD/bench/out/cli/insurecrm.dll"
export INSURECRM_USER=bench
db=${DB:-bench_callcenter}
bench_keys "$db"
bench_pg
if [ "${FRESH:-0}" = 1 ] || ! bench_db_exists "$db"; then
  src=bench_worklist; bench_db_exists "$src" || src=bench_nightly
  bench_db_exists "$src" || { echo "bench_nightly is missing: run bench/foundation.sh postgres 1000000, then bench/nightly.sh postgres" >&2; exit 1; }
  log "copying $src to $db"
  bench_sql -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db TEMPLATE $src"
  rm -f "bench/out/$db.access-log-head.json" # the head of the dropped copy's log
fi
export Database__Provider=Postgres ConnectionStrings__Crm="$(bench_pg_cs "$db")"
sql() { bench_sql -d "$db" -Atc "$1"; }
$cli db migrate >/dev/null
bench_sql -d "$db" -qc "ANALYZE"

d=${AS_OF:-$(TZ=Asia/Seoul date +%F)}
log "rows: $(sql 'SELECT COUNT(*) FROM customer WHERE merged_into_id IS NULL') live customers, $(sql 'SELECT COUNT(*) FROM contract') contracts, $(sql "SELECT COUNT(*) FROM agent WHERE status = 'Active'") active agents ($(sql "SELECT COUNT(*) FROM agent WHERE status = 'Active' AND kind = 'Cs'") CS consultants)"
log "database settings: port $BENCH_PG_PORT, PG_SETTINGS=${PG_SETTINGS:-recommended}: $(sql "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings WHERE name IN
  ('shared_buffers','work_mem','effective_cache_size','random_page_cost','max_wal_size','synchronous_commit','jit','max_connections',
   'max_parallel_workers_per_gather','huge_pages')"); $(bench_server_note)"
log "as of $d; $rounds rounds"
idle() { # let other load die down, up to IDLE_WAIT seconds (default 120), then note the load average
  for _ in $(seq 1 $(( ${IDLE_WAIT:-120} / 5 ))); do python3 -c "import sys; sys.exit(0 if $(cut -d' ' -f1 /proc/loadavg) <= 1 else 1)" && break; sleep 5; done
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  if python3 -c "import sys; sys.exit(0 if $load > 1 else 1)"; then log "load average $load: NOT IDLE, wall times are pessimistic (compare CPU seconds)"; else log "load average $load"; fi
}

declare -A runs=()
status=0

# --- orphans: 500 departing agents -------------------------------------------------------------------------------------
if [ "${ORPHANS:-1}" = 1 ]; then
  if [ -z "$(sql "SELECT 1 FROM pg_tables WHERE tablename = 'bench_cc_leavers'")" ]; then
    # The leavers, chosen once and kept, with what the assignment changes saved so that each round starts alike.
    sql "CREATE TABLE bench_cc_leavers AS
           SELECT a.id, a.status, a.termination_date, a.version FROM agent a
           JOIN (SELECT servicing_agent_id AS agent_id, COUNT(DISTINCT customer_id) AS n FROM contract
                 WHERE status IN ('InForce', 'Reinstated', 'PaidUp') AND servicing_agent_id IS NOT NULL GROUP BY servicing_agent_id) c
             ON c.agent_id = a.id
           WHERE a.status = 'Active' AND a.kind <> 'Cs' ORDER BY c.n DESC, a.id LIMIT 500;
         CREATE TABLE bench_cc_servicing AS
           SELECT id, servicing_agent_id FROM contract WHERE servicing_agent_id IN (SELECT id FROM bench_cc_leavers)" >/dev/null
  fi
  restore_orphans() {
    sql "UPDATE contract k SET servicing_agent_id = s.servicing_agent_id FROM bench_cc_servicing s
           WHERE k.id = s.id AND k.servicing_agent_id IS DISTINCT FROM s.servicing_agent_id;
         UPDATE agent a SET status = l.status, termination_date = l.termination_date, version = l.version
           FROM bench_cc_leavers l WHERE a.id = l.id;
         TRUNCATE orphan_case, orphan_override CASCADE;
         UPDATE agent a SET status = 'Terminated', termination_date = '$d', version = a.version + 1
           FROM bench_cc_leavers l WHERE a.id = l.id;
         ANALYZE agent, orphan_case" >/dev/null
  }
  restore_orphans
  log "orphans: 500 leavers with $(sql "SELECT COUNT(DISTINCT k.customer_id) FROM contract k JOIN bench_cc_leavers l ON l.id = k.servicing_agent_id WHERE k.status IN ('InForce', 'Reinstated', 'PaidUp')") customers holding an active contract ($(sql "SELECT COUNT(*) FROM bench_cc_servicing") contracts)"
  $cli orphans assign --as-of "$d" >"$out/callcenter-orphans-warmup.log" 2>&1 || { cat "$out/callcenter-orphans-warmup.log"; exit 1; }
  for round in $(seq 1 "$rounds"); do
    restore_orphans
    idle
    bench_measure orphans 10 "$out/callcenter-orphans-$round.log" $cli orphans assign --as-of "$d"
  done
  log "orphans after the last round: $(sql "SELECT string_agg(state || ' ' || n, ', ') FROM (SELECT state, COUNT(*) n FROM orphan_case GROUP BY state ORDER BY state) s")"
  # Leave the database as found: the leavers active again with their customers, no cases.
  sql "UPDATE contract k SET servicing_agent_id = s.servicing_agent_id FROM bench_cc_servicing s
         WHERE k.id = s.id AND k.servicing_agent_id IS DISTINCT FROM s.servicing_agent_id;
       UPDATE agent a SET status = l.status, termination_date = l.termination_date, version = l.version
         FROM bench_cc_leavers l WHERE a.id = l.id;
       TRUNCATE orphan_case, orphan_override CASCADE" >/dev/null
fi

# --- queues: the day's outbound queues -----------------------------------------------------------------------------------
if [ "${QUEUES:-1}" = 1 ]; then
  $cli callcenter queues build --as-of "$d" >"$out/callcenter-queues-warmup.log" 2>&1 || { cat "$out/callcenter-queues-warmup.log"; exit 1; }
  for round in $(seq 1 "$rounds"); do
    sql "TRUNCATE call_queue_item, call_attempt, call_escalation CASCADE" >/dev/null
    idle
    bench_measure queues 30 "$out/callcenter-queues-$round.log" $cli callcenter queues build --as-of "$d"
  done
  sql "TRUNCATE call_queue_item, call_attempt, call_escalation CASCADE" >/dev/null
fi

# --- lookup: the caller's number on the inbound console, 16 consultants at once ------------------------------------------
if [ "${LOOKUP:-1}" = 1 ]; then
  port=${PORT:-5331}
  curl -s -o /dev/null "http://127.0.0.1:$port/health/live" && { echo "port $port is in use: stop that host or set PORT" >&2; exit 1; }
  command -v wrk >/dev/null || { as_root apt-get update -qq >/dev/null; as_root apt-get install -y -qq wrk >/dev/null; }
  dotnet publish src/InsureCrm.Web -c Release -o bench/out/web -nologo -v q >/dev/null
  for n in $(seq 1 16); do
    user=$(printf 'bench-cc-%02d' "$n")
    [ -n "$(sql "SELECT 1 FROM app_user WHERE user_name = '$user'")" ] ||
      echo 'Demo!2026crm' | $cli users add "$user" --role CallCenter --password-stdin >/dev/null
  done
  ConnectionStrings__Crm="$(bench_pg_cs "$db" "$BENCH_WEB_POOL")" \
  ASPNETCORE_ENVIRONMENT=Production Urls="http://127.0.0.1:$port" Demo__GenerateOnStartup=false Security__Web__SecureCookies=SameAsRequest \
    dotnet bench/out/web/InsureCrm.Web.dll >"$out/callcenter-web.log" 2>&1 &
  web=$!
  trap 'kill "$web" 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done
  lua="$out/callcenter-lookup.lua"
  # 2,000 numbers of live customers, a third each written 010-1234-5678, 01012345678 and +82 10 1234 5678.
  { echo "cookies = {"
    for n in $(seq 1 16); do echo "  \"$(bench_login "$port" "$out/callcenter-cookies-$n.txt" "$(printf 'bench-cc-%02d' "$n")")\","; done
    echo "}"
    echo "numbers = {"
    sql "SELECT p.number FROM customer_phone p JOIN customer c ON c.id = p.customer_id
         WHERE c.merged_into_id IS NULL AND p.number LIKE '010%' AND length(p.number) = 11 ORDER BY random() LIMIT 2000" |
      awk '{ n = $1; if (NR % 3 == 0) f = substr(n,1,3) "-" substr(n,4,4) "-" substr(n,8,4); else if (NR % 3 == 1) f = n;
             else f = "%2B82%20" substr(n,2,2) "%20" substr(n,4,4) "%20" substr(n,8,4); printf "  \"%s\",\n", f }'
    echo "}"
    cat <<'LUA'
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/calls/inbound?q=" .. numbers[(i % #numbers) + 1], { ["Cookie"] = cookies[(i % #cookies) + 1] })
end
LUA
  } >"$lua"
  first=$(sed -n 2p "$lua" | sed -E 's/^ *"(.*)",$/\1/')
  number=$(sed -n '/^numbers/{n;p}' "$lua" | sed -E 's/^ *"(.*)",$/\1/')
  code=$(curl -s -o "$out/callcenter-lookup.html" -w '%{http_code}' -H "Cookie: $first" "http://127.0.0.1:$port/calls/inbound?q=$number")
  [ "$code" = 200 ] || { echo "GET /calls/inbound answered $code for bench-cc-01" >&2; exit 1; }
  log "lookup: one page $(wc -c <"$out/callcenter-lookup.html") bytes"
  idle
  wrk -t2 -c16 -d30s -s "$lua" "http://127.0.0.1:$port" >"$out/callcenter-lookup.warmup.wrk"
  for run in $(seq 1 "$rounds"); do
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    python3 bench/cpuwrap.py "$web" "$db" "$out/callcenter-lookup.$run.cpu" -- \
      wrk -t2 -c16 -d20s --latency -s "$lua" "http://127.0.0.1:$port" >"$out/callcenter-lookup.$run.wrk"
    read -r wms pms cms jms <"$out/callcenter-lookup.$run.cpu"
    f="$out/callcenter-lookup.$run.wrk"
    req=$(awk '/requests in/ {print $1}' "$f"); p50=$(awk '$1=="50%" {print $2}' "$f"); p99=$(awk '$1=="99%" {print $2}' "$f")
    rps=$(awk '/Requests\/sec/ {print $2}' "$f"); errs=$(grep -E "Non-2xx|Socket errors" "$f" | tr -s ' ' || true)
    log "$(python3 -c "print('lookup run $run (load before $load): p50 $p50, p99 $p99 (goal < 20 ms), $rps req/s ${errs:+($errs)}; CPU ms/request web %.2f, pg %.2f, wrk %.2f' % ($wms/$req, $pms/$req, $cms/$req))")"
  done
  # The same 16 consultants at a pace a call center could not reach (each a lookup every PACE_MS on average, default 100 ms:
  # about 160 a second, against a few a second for a few hundred seats): the latency a consultant sees when the host is not
  # saturated, beside the closed-loop figure above (which measures how many the 2 cores serve). Twice:
  #   independent  each client waits a random time (exponential, mean PACE_MS) after each answer, so lookups arrive
  #                independently of each other, as calls do;
  #   lockstep     each waits exactly PACE_MS: the 16 clients, started together, keep asking within the same few
  #                milliseconds, a burst of 16 every PACE_MS (the worst case of the same rate; 16 × about 1 ms of CPU on
  #                2 cores queue behind each other).
  pace=${PACE_MS:-100}
  { cat "$lua"; cat <<LUA
local seeded = false
delay = function()
  if not seeded then math.randomseed(os.time() + math.floor(os.clock() * 1000000)); seeded = true end
  return math.floor(-math.log(1 - math.random()) * $pace)
end
LUA
  } >"$lua.independent"
  { cat "$lua"; echo "delay = function() return $pace end"; } >"$lua.lockstep"
  for mode in independent lockstep; do
    for run in $(seq 1 "$rounds"); do
      load=$(cut -d' ' -f1-3 /proc/loadavg)
      f="$out/callcenter-lookup-$mode.$run.wrk"
      wrk -t2 -c16 -d20s --latency -s "$lua.$mode" "http://127.0.0.1:$port" >"$f"
      p50=$(awk '$1=="50%" {print $2}' "$f"); p99=$(awk '$1=="99%" {print $2}' "$f"); rps=$(awk '/Requests\/sec/ {print $2}' "$f")
      errs=$(grep -E "Non-2xx|Socket errors" "$f" | tr -s ' ' || true)
      log "lookup paced ($mode, each client every $pace ms on average) run $run (load before $load): p50 $p50, p99 $p99 (goal < 20 ms), $rps req/s ${errs:+($errs)}"
    done
  done
  log "web host VmHWM $(( $(awk '/VmHWM/ {print $2}' /proc/$web/status) / 1024 )) MB"
fi

for name in orphans queues; do
  [ -n "${runs[$name]:-}" ] || continue
  log "$(bench_spread "$name runs" "${runs[$name]}")"
done
log "load average after: $(cut -d' ' -f1 /proc/loadavg)"
exit $status
