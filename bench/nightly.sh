#!/usr/bin/env bash
# Nightly chain benchmark (issue 11, item 4): `insurecrm nightly run` over the insurer that bench/foundation.sh generated
# (run that first: it leaves bench_gen on PostgreSQL (bench/lib.sh: the bench cluster, PG_SETTINGS as there) or
# bench/out/sqlite/bench_gen.db, with the admin 'bench').
#
#   bench/nightly.sh postgres     # 1,000,000 customers after `bench/foundation.sh postgres 1000000`
#   bench/nightly.sh sqlite       # 100,000 customers after `bench/foundation.sh sqlite 100000`
#
# It works on a copy (bench_nightly, made from bench_gen once and kept; FRESH=1 makes it again), so bench_gen stays
# as foundation.sh left it. On the copy it builds and approves every insurer model once (the champions the scores
# step uses), then empties what the chain writes, so that every run measures the same two nights:
#   night 1 (AS_OF, default today): the first night of a month, so the value step estimates the persistency curves and
#           computes every customer (the month's worst night);
#   night 2 (the day after): an ordinary night, incremental on night 1.
# Each step prints its wall time against its budget (the table below), the CPU seconds of the CLI and of the PostgreSQL
# backends, and the CLI's peak RSS (bench/nightly/steps.py); a step over budget is flagged and the script exits 3.
# Prints the database settings and the load average it ran with; figures taken with a load average above 1 are flagged.
set -euo pipefail
cd "$(dirname "$0")/.."
provider=${1:-sqlite}

# Wall-time budget of each step, in seconds, at 1M customers on PostgreSQL (100k on SQLite), on an otherwise idle
# 2-core machine. A step added to the chain later (worklists, ...) adds its line here; a step without one is named.
#   value, scores: issue 11's goals (each under a minute).
#   access-log: the day's access-log entries vacuumed (docs/operations.md); provisional, half a minute.
#   targeting: the targeting mart built again (issue 12; one INSERT ... SELECT of every live customer, 25.6 s in psql at
#   1M on 2026-12-04); provisional, 40 s.
#   campaigns: attribution of the running and measuring campaigns (issue 12); provisional, half a minute.
#   worklists: every agent's next-best actions (issue 14's goal: under a minute at 1M customers and 10,000 agents;
#   bench/worklist.sh measures it alone).
#   orphans: the day's orphan contracts assigned (issue 15's goal for 500 agents leaving at once: under 10 s; 7.9-8.3 s
#   in bench/callcenter.sh on 2026-12-05).
#   callcenter: the day's call queues built (issue 15's goal: under 30 s; 4.7 s in bench/callcenter.sh).
#   voc-sla: warnings and escalations of the VOC cases (issue 16's goal for the worst case, every mark cleared at 500,000
#   cases: under 10 s; bench/voc.sh). voc-learn: the classifier retrained on the confirmed cases (43.6 s on 500,000 cases
#   in bench/voc.sh); a minute. voc-digest: the weekly digest e-mails (Mondays); provisional, half a minute.
#   The synthetic insurer of bench/foundation.sh holds no VOC cases: there the three VOC steps measure their start only.
#   lifecycle, segments: provisional, half a minute each, so that the four steps fit in three minutes. Not yet measured on
#   an idle machine; on 2026-12-03 at load average 40-55 the first night took lifecycle 1,949 s (it inserts 1.1M state
#   changes one INSERT ... RETURNING at a time through EF; later nights insert only the changes) and segments 436 s.
declare -A budget=(
  [value]=60
  [lifecycle]=30
  [segments]=30
  [scores]=60
  [targeting]=40
  [campaigns]=30
  [worklists]=60
  [orphans]=10
  [callcenter]=30
  [voc-sla]=10
  [voc-learn]=60
  [voc-digest]=30
  [access-log]=30
)

out=bench/out/$provider; mkdir -p "$out"
log() { echo "[bench] $*"; }
source bench/lib.sh
bench_publish_cli bench/out/cli
cli="dotnet $PWD/bench/out/cli/insurecrm.dll"
export INSURECRM_USER=bench
db=${DB:-bench_nightly}
bench_keys "$db"
if [ "$provider" = postgres ]; then
  bench_pg
  psql() { PGPASSWORD=postgres command psql -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres "$@"; }
  if [ "${FRESH:-0}" = 1 ] || [ -z "$(psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
    log "copying bench_gen to $db"
    psql -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db TEMPLATE bench_gen"
    rm -f "bench/out/$db.access-log-head.json" # the head of the dropped copy's log
    psql -d "$db" -qc "ANALYZE"  # a copy carries the statistics, but not always all of them: gather them once
  fi
  export Database__Provider=Postgres ConnectionStrings__Crm="$(bench_pg_cs "$db")"
  sql() { psql -d "$db" -Atc "$1"; }
  settings() {
    sql "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings WHERE name IN
      ('shared_buffers','work_mem','effective_cache_size','random_page_cost','max_wal_size','synchronous_commit','jit','max_connections',
       'max_parallel_workers_per_gather','wal_compression','huge_pages','shared_preload_libraries')" | sed "s/^/port $BENCH_PG_PORT, PG_SETTINGS=${PG_SETTINGS:-recommended}: /"
    echo "; $(bench_server_note)"
  }
  backends=$db
else
  command -v sqlite3 >/dev/null || { apt-get update -qq >/dev/null; apt-get install -y -qq sqlite3 >/dev/null; }
  if [ "${FRESH:-0}" = 1 ] || [ ! -f "$out/$db.db" ]; then
    log "copying bench_gen.db to $db.db"
    sqlite3 "$out/bench_gen.db" "VACUUM INTO '$out/$db.db.tmp'" && mv "$out/$db.db.tmp" "$out/$db.db"
    # The access log's own file goes with it (docs/operations.md), when bench_gen.db has one.
    rm -f "$out/$db.access-log.db" "$out/$db.access-log.db-wal" "$out/$db.access-log.db-shm"
    if [ -f "$out/bench_gen.access-log.db" ]; then
      sqlite3 "$out/bench_gen.access-log.db" "VACUUM INTO '$out/$db.access-log.db'"
    fi
    sqlite3 "$out/$db.db" "ANALYZE"
  fi
  export Database__Provider=Sqlite ConnectionStrings__Crm="Data Source=$PWD/$out/$db.db"
  sql() { sqlite3 "$out/$db.db" "$1"; }
  settings() { echo "journal_mode=$(sql 'PRAGMA journal_mode'), page_size=$(sql 'PRAGMA page_size'), sqlite $(sqlite3 --version | cut -d' ' -f1)"; }
  backends=-
fi

date=${AS_OF:-$(date -u +%F)}
next=$(date -u -d "$date + 1 day" +%F)
# The champions the scores step uses: every insurer model, built by 'bench' and approved by a second admin (four eyes),
# as the demo does (cutoff: the label window before the date; 3 months, agents 13).
if [ "$(sql "SELECT COUNT(*) FROM model_version WHERE status = 'Champion'")" = 0 ]; then
  $cli users add bench-approver --role Admin </dev/null >/dev/null 2>&1 || true  # exists already on a second setup
  start=$(date +%s)
  for m in lapse purchase loan purchase-protection purchase-health purchase-savings purchase-auto lapse-contract agent-dropout recruiting; do
    months=3; case $m in agent-dropout|recruiting) months=13;; esac
    cutoff=$(date -u -d "$date - $months months - 1 day" +%F)
    $cli model build "$m" --cutoff "$cutoff" >"$out/nightly-model-$m.log" 2>&1 || { cat "$out/nightly-model-$m.log"; exit 1; }
    $cli model approve "$m" "$(sed -nE "s/^$m v([0-9]+) .*/\1/p" "$out/nightly-model-$m.log" | head -1)" --as bench-approver >/dev/null
  done
  log "champions built and approved in $(( $(date +%s) - start )) s (setup, not measured)"
fi
log "champions: $(sql "SELECT string_agg(name || ' v' || version, ', ' ORDER BY name) FROM model_version WHERE status = 'Champion'")"
# What the chain writes, emptied: night 1 is the first night of the month again.
written="customer_model_score, contract_model_score, agent_model_score, model_score_run, customer_segment, segment_profile,
  customer_lifecycle, value_run_skip, customer_value, value_run"
if [ "$provider" = postgres ]; then
  sql "TRUNCATE $written" >/dev/null
else
  for t in ${written//,/ }; do sql "DELETE FROM $t" >/dev/null; done
  sql "VACUUM" >/dev/null
fi
log "rows: $(sql 'SELECT COUNT(*) FROM customer WHERE merged_into_id IS NULL') live customers, $(sql 'SELECT COUNT(*) FROM contract') contracts"
log "database settings ($provider): $(settings | tr -d '\n')"
# Let the setup's own load die down, up to 2 minutes, then note the load average before measuring.
for _ in $(seq 1 24); do python3 -c "import sys; sys.exit(0 if $(cut -d' ' -f1 /proc/loadavg) <= 1 else 1)" && break; sleep 5; done
load=$(cut -d' ' -f1 /proc/loadavg)
if python3 -c "import sys; sys.exit(0 if $load > 1 else 1)"; then log "load average $load: NOT IDLE, figures are pessimistic"; else log "load average $load"; fi

budgets=$(for s in "${!budget[@]}"; do printf '%s=%s,' "$s" "${budget[$s]}"; done)
status=0
for night in "1:$date" "2:$next"; do
  n=${night%%:*}; d=${night#*:}
  log "night $n, as of $d: insurecrm nightly run --as-of $d"
  python3 bench/nightly/steps.py "$backends" "$budgets" "$out/nightly-$n.log" -- $cli nightly run --as-of "$d" || status=$?
done
log "load average after: $(cut -d' ' -f1 /proc/loadavg)"
exit $status
