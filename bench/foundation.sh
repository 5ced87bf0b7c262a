#!/usr/bin/env bash
# Foundation benchmark (issue 2): generate + load, customer CSV import, and search / customer-view
# latency with 16 concurrent clients. Not part of the test suite.
#
#   bench/foundation.sh postgres 1000000     # PostgreSQL: its own cluster on port 5433 with the settings of
#                                            # docs/operations.md (bench/lib.sh; PG_SETTINGS=defaults: port 5432)
#   bench/foundation.sh sqlite   100000      # embedded SQLite file under bench/out
#
# Before measuring it gathers planner statistics (ANALYZE) on what it loaded, warms the web host up for
# WARMUP (default 75s: the JIT keeps compiling for about a minute under load, and the session's first last-seen
# write, a minute after login, compiles its statement: a one-time cost a long-running server has behind it) and prints the database
# settings and the load average it ran with; figures taken with a load average above 1 are flagged.
# Each page is then measured RUNS times (default 2) in a row; the spread of p99 and req/s between the runs
# is printed and flagged above 10 %, with the machine's own speed before and after each run (bench_speed) and during it
# (bench_watch_start: a short loop and a memory walk every half second; their slowest quarters show a slow stretch of the VM),
# the CPU each request took in the web host and PostgreSQL's backends and, on PostgreSQL, the work each took there (buffer
# accesses, rows, commits, WAL records: bench_pg_work): the same work costing more CPU is the machine. On
# PostgreSQL the import and its yardstick (raw binary COPY of the same rows) run as IMPORT_PAIRS (default RUNS)
# pairs, one right after the other; each pair's ratio is printed, then their spread.
# The web host's peak memory (VmHWM) is printed at the end, with how much of it now is anonymous (heap) and how much
# file-backed (the SQLite files' memory map).
#
# Prints each figure with what produced it; raw logs stay in bench/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
provider=${1:-sqlite}
customers=${2:-100000}
import_rows=${IMPORT_ROWS:-$customers}
duration=${DURATION:-20s}
warmup=${WARMUP:-75s}
runs=${RUNS:-2}
out=bench/out/$provider; mkdir -p "$out"
log() { echo "[bench] $*"; }
source bench/lib.sh
# PostgreSQL: the bench cluster with the recommended settings (and the kernel's, bench_sysctl); SQLite: the kernel's settings
# for the file the web host writes.
if [ "$provider" = postgres ]; then bench_pg; else bench_sysctl; fi

command -v wrk >/dev/null || { apt-get update -qq >/dev/null; apt-get install -y -qq wrk >/dev/null; }
command -v sqlite3 >/dev/null || { apt-get update -qq >/dev/null; apt-get install -y -qq sqlite3 >/dev/null; }

log "publishing Release builds"
bench_publish_cli bench/out/cli
log "CLI: $BENCH_CLI_BUILD"
dotnet publish src/InsureCrm.Web -c Release -o bench/out/web -nologo -v q >/dev/null
cli="dotnet $PWD/bench/out/cli/insurecrm.dll"

fresh_db() { # $1 = name; exports the provider settings for that database
  if [ "$provider" = postgres ]; then
    bench_psql postgres -qc "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"
    export Database__Provider=Postgres ConnectionStrings__Crm="$(bench_pg_cs "$1")"
  else
    rm -f "$out/$1.db" "$out/$1.db-wal" "$out/$1.db-shm" "$out/$1.access-log.db" "$out/$1.access-log.db-wal" "$out/$1.access-log.db-shm"
    export Database__Provider=Sqlite ConnectionStrings__Crm="Data Source=$PWD/$out/$1.db"
  fi
  rm -f "bench/out/$1.access-log-head.json" # the head of the dropped database's log
  bench_keys "$1"
}
bootstrap_admin() { # the CLI acts on behalf of an account; the first admin of a database needs no --as
  env -u INSURECRM_USER $cli users add bench --role Admin </dev/null >/dev/null
  export INSURECRM_USER=bench
}
sql() { # query the current database, one value per line
  if [ "$provider" = postgres ]; then bench_psql "$db" -Atc "$1"
  else sqlite3 "$out/$db.db" "$1"; fi
}
analyze() { # planner statistics for what was just loaded, as an operator would gather them after a bulk load; on
  # PostgreSQL with the vacuum an operator runs after one (docs/operations.md), which autovacuum would otherwise start on
  # its own a minute later, throttled, while the next step is measured
  if [ "$provider" = postgres ]; then sql "VACUUM (ANALYZE)" >/dev/null; else sql "ANALYZE" >/dev/null; fi
}
settings() { # the settings the figures depend on
  if [ "$provider" = postgres ]; then
    sql "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings WHERE name IN
      ('shared_buffers','work_mem','effective_cache_size','random_page_cost','max_wal_size','synchronous_commit','jit','max_connections',
       'max_parallel_workers_per_gather','wal_compression','huge_pages','shared_preload_libraries')" | sed "s/^/port $BENCH_PG_PORT, PG_SETTINGS=${PG_SETTINGS:-recommended}: /"
    echo "; $(bench_server_note); the web host's Maximum Pool Size=$BENCH_WEB_POOL"
  else
    echo "journal_mode=$(sql 'PRAGMA journal_mode'), page_size=$(sql 'PRAGMA page_size'), sqlite $(sqlite3 --version | cut -d' ' -f1); $(bench_kernel_note)"
  fi
}
load_note() { # the 1-minute load average before measuring, flagged when the machine is not idle
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  if python3 -c "import sys; sys.exit(0 if $load > 1 else 1)"; then echo "load average $load: NOT IDLE, figures are pessimistic"; else echo "load average $load"; fi
}
timed() { # $1 = label, rest = command; prints wall time and peak RSS
  local label=$1; shift
  /usr/bin/time -v "$@" >"$out/$label.log" 2>"$out/$label.time" || { cat "$out/$label.log" "$out/$label.time"; exit 1; }
  local wall rss
  wall=$(sed -nE 's/.*Elapsed \(wall clock\) time.*: (.*)/\1/p' "$out/$label.time")
  rss=$(sed -nE 's/.*Maximum resident set size \(kbytes\): (.*)/\1/p' "$out/$label.time")
  log "$label: wall $wall, peak RSS $((rss / 1024)) MB  ($*)"
}

# 1. Generate and load (SKIP_LOAD=1 reuses the last generated database and skips 1 and 2).
if [ "${SKIP_LOAD:-0}" != 1 ]; then
db=bench_gen; fresh_db $db
$cli db migrate >/dev/null
bootstrap_admin
timed generate $cli generate --customers "$customers" --seed 1
analyze
log "rows: $(sql 'SELECT COUNT(*) FROM customer') customers, $(sql 'SELECT COUNT(*) FROM contract') contracts, $(sql 'SELECT COUNT(*) FROM interaction') interactions"

# 2. Import a customer CSV into an empty database.
csv=bench/out/customers-$import_rows.csv
[ -f "$csv" ] || python3 bench/import/make-customers-csv.py "$import_rows" "$csv"
# On PostgreSQL the import is compared with its yardstick (issue 11, item 3): binary COPY of the rows it wrote into an
# empty database with the same indexes. This VM's speed drifts by a quarter within the hour, so the two run as pairs,
# one right after the other, IMPORT_PAIRS times (default RUNS): each pair's ratio is printed, then their spread.
pairs=1
[ "$provider" != postgres ] || pairs=${IMPORT_PAIRS:-$runs}
ratios=""
for pair in $(seq 1 "$pairs"); do
  db=bench_import; fresh_db $db
  $cli db migrate >/dev/null
  bootstrap_admin
  [ "$provider" != postgres ] || log "$(bench_settle)"
  bench_watch_start "$out/import.$pair.watch"
  start=$(date +%s.%N)
  timed import $cli import customers "$csv" --source BENCH
  end=$(date +%s.%N)
  during=$(bench_watch_stop "$out/import.$pair.watch")
  rate=$(python3 -c "print(round($import_rows / ($end - $start)))")
  log "import (pair $pair of $pairs): $(python3 -c "print(f'{$rate:,}')") rows/s over $import_rows rows; machine speed during it: $during"
  if [ "$provider" = postgres ]; then
    bench_watch_start "$out/raw-copy.$pair.watch"
    bash bench/import/raw-copy.sh bench_import bench_rawcopy >"$out/raw-copy.log" 2>&1 || { cat "$out/raw-copy.log"; exit 1; }
    during=$(bench_watch_stop "$out/raw-copy.$pair.watch")
    raw=$(sed -nE 's/^cpu:.*rows\/s ([0-9,]+).*/\1/p' "$out/raw-copy.log" | tr -d ,)
    ratio=$(python3 -c "print(f'{100 * $rate / $raw:.1f}')")
    ratios="$ratios $ratio"
    log "raw binary COPY of the same rows (pair $pair of $pairs): $(grep '^cpu:' "$out/raw-copy.log" | sed 's/^cpu: //'); machine speed during it: $during; import / raw COPY = $ratio %"
    bench_psql postgres -qc "DROP DATABASE IF EXISTS bench_rawcopy WITH (FORCE)"
  fi
done
analyze
[ -z "$ratios" ] || log "import / raw binary COPY over the $pairs pairs: $(echo $ratios | sed 's/ / %, /g') % (goal: at least 80 %); $(python3 -c "
w = [float(x) for x in '$ratios'.split()]
print('one pair only' if len(w) < 2 else f'spread {(max(w) - min(w)) / min(w) * 100:.1f} %' + ('  ABOVE 10 %: the pairs disagree' if (max(w) - min(w)) / min(w) > 0.1 else ''))")"
fi

# 3. Search and customer view under 16 concurrent clients, against the generated insurer.
db=bench_gen
analyze
if [ "$provider" = postgres ]; then
  # The server may have just been restarted (a changed setting): its own cache is then empty and the first minutes
  # measure disk and page faults, not the product. Load the insurer's tables and indexes into shared buffers, as
  # autoprewarm (recommended.conf) does after a restart in production.
  sql "CREATE EXTENSION IF NOT EXISTS pg_prewarm" >/dev/null
  log "prewarmed $(sql "SELECT pg_size_pretty(8192 * sum(pg_prewarm(c.oid))) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i', 'm', 't')") of $db into shared buffers"
  # What earlier runs left: every search and view adds access-log entries, and SKIP_LOAD=1 keeps them, so a database
  # reused all day outgrows shared buffers and its pages start coming from the kernel's cache; runs to compare should
  # start from the same state.
  log "$db: $(sql "SELECT pg_size_pretty(pg_database_size(current_database())) || ', of which the access log '
    || pg_size_pretty(pg_total_relation_size('access_log_entry')) || ' (' || to_char(count(*), 'FM999,999,999') || ' entries); shared_buffers '
    || current_setting('shared_buffers') || CASE WHEN pg_database_size(current_database())
    > (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'shared_buffers') THEN ': LARGER THAN shared buffers' ELSE '' END
    FROM access_log_entry")"
fi
log "database settings ($provider): $(settings | tr -d '\n')"
[ "$provider" != postgres ] || log "$(bench_settle)"
# Let the load of the steps above (publish, generate, import) die down, up to 2 minutes, then note the load
# before the web host starts: the benchmark's own load is not a busy machine.
for _ in $(seq 1 24); do python3 -c "import sys; sys.exit(0 if $(cut -d' ' -f1 /proc/loadavg) <= 1 else 1)" && break; sleep 5; done
note=$(load_note)
log "$note"
bench_keys "$db"
if [ "$provider" = postgres ]; then
  export Database__Provider=Postgres
  export ConnectionStrings__Crm="$(bench_pg_cs "$db" "$BENCH_WEB_POOL")"
else
  export Database__Provider=Sqlite ConnectionStrings__Crm="Data Source=$PWD/$out/$db.db"
fi
port=5091
# Plain HTTP on loopback: the session cookie may not insist on HTTPS here.
ASPNETCORE_ENVIRONMENT=Production Urls="http://127.0.0.1:$port" Demo__GenerateOnStartup=false Security__Web__SecureCookies=SameAsRequest \
  dotnet bench/out/web/InsureCrm.Web.dll >"$out/web.log" 2>&1 &
web=$!
trap 'kill $web 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done
cookie=$(bench_login "$port" "$out/cookies.txt")

# Queries a call-center consultant types: Hangul name prefixes, full names, phones, contract numbers.
# Each search writes one access-log entry per customer listed; each view records its reason.
lua_paths() { # stdin: one path per line -> a Lua table with the paths percent-encoded
  python3 -c 'import sys, urllib.parse
print("paths = {")
for line in sys.stdin:
    line = line.strip()
    if line:
        print("  \"" + urllib.parse.quote(line, safe="/?=&") + "\",")
print("}")'
}
{
  sql "SELECT substr(name, 1, 2) FROM customer WHERE merged_into_id IS NULL ORDER BY id LIMIT 300"
  sql "SELECT name FROM customer WHERE merged_into_id IS NULL ORDER BY id DESC LIMIT 300"
  sql "SELECT number FROM customer_phone ORDER BY id LIMIT 300"
  sql "SELECT contract_number FROM contract ORDER BY id DESC LIMIT 300"
} | sed 's|^|/api/customers?q=|' | lua_paths >"$out/search-paths.lua"
sql "SELECT id FROM customer WHERE merged_into_id IS NULL ORDER BY (id * 7919) % 100003 LIMIT 2000" \
  | sed 's|^\(.*\)$|/api/customers/\1?reason=inquiry|' | lua_paths >"$out/view-paths.lua"
for kind in search view; do
  bench_wrk_script "$out/$kind-paths.lua" "$cookie" "$out/$kind.lua"
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$port$(sed -n 2p "$out/$kind-paths.lua" | tr -d ' ",')")
  [ "$status" = 200 ] || { log "$kind: a sample request answered $status; check $out/web.log"; exit 1; }
  # Warm-up first (not measured): a cold process would be measured while the JIT compiles.
  wrk -t2 -c16 -d"$warmup" -s "$out/$kind.lua" "http://127.0.0.1:$port" >"$out/$kind.warmup.wrk"
  [ "$provider" != postgres ] || work0=$(bench_pg_work "$db")
  for run in $(seq 1 "$runs"); do
    before=$(bench_speed)
    bench_watch_start "$out/$kind.$run.watch"
    # CPU of the web host, of the database's backends (none on SQLite) and of wrk over the run: the same work costing more CPU
    # (the machine) tells apart from the same CPU with longer waits (the disk, a lock).
    python3 bench/cpuwrap.py "$web" "$db" "$out/$kind.$run.cpu" -- \
      wrk -t2 -c16 -d"$duration" --latency -s "$out/$kind.lua" "http://127.0.0.1:$port" >"$out/$kind.$run.wrk"
    during=$(bench_watch_stop "$out/$kind.$run.watch")
    read -r wms pms cms _ <"$out/$kind.$run.cpu"
    req=$(awk '/requests in/ {print $1}' "$out/$kind.$run.wrk")
    if [ "$provider" = postgres ]; then cpu=$(python3 -c "print(f'web {$wms / $req:.2f}, PostgreSQL {$pms / $req:.2f}, wrk {$cms / $req:.2f}')")
    else cpu=$(python3 -c "print(f'web with SQLite {$wms / $req:.2f}, wrk {$cms / $req:.2f}')"); fi
    echo "$before $(bench_speed)" >"$out/$kind.$run.speed"
    work=""
    if [ "$provider" = postgres ]; then
      # A request's buffer accesses, rows, commits and WAL records, kept for the spread below.
      work1=$(bench_pg_work "$db")
      python3 -c "a, b = '$work0'.split(), '$work1'.split(); print(*((int(y) - int(x)) / $req for x, y in zip(a, b)))" >"$out/$kind.$run.work"
      work0=$work1
      read -r wb wr wc ww <"$out/$kind.$run.work"
      work=$(python3 -c "print(f\"; PostgreSQL's work a request: {$wb:.0f} buffer accesses, {$wr:.0f} rows, {$wc:.2f} commits, {$ww:.1f} WAL records\")")
    fi
    p50=$(awk '$1=="50%" {print $2}' "$out/$kind.$run.wrk"); p99=$(awk '$1=="99%" {print $2}' "$out/$kind.$run.wrk")
    rps=$(awk '/Requests\/sec/ {print $2}' "$out/$kind.$run.wrk"); errs=$(grep -E "Non-2xx|Socket errors" "$out/$kind.$run.wrk" || true)
    log "$kind ($provider, 16 clients, run $run of $runs, $duration after a $warmup warm-up; $note): p50 $p50, p99 $p99, $rps req/s${errs:+ ($errs)}; CPU ms a request: $cpu; machine speed before / after: $(sed 's| | / |' "$out/$kind.$run.speed") ms, during: $during$work"
  done
  if [ "$runs" -ge 2 ]; then python3 - "$kind" "$out" "$runs" <<'PY'
import re, sys
sys.path.insert(0, "bench")
from machine_speed import loops, slowest_quarter, walks  # the same readings as each run's line
kind, out, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
def ms(v):  # wrk prints 812.00us, 23.45ms, 1.20s
    n, u = re.match(r"([\d.]+)(us|ms|s|m)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[u]
p99s, rpss, speeds, slow, walk, cpu, work = [], [], [], [], [], [], []
for r in range(1, runs + 1):
    text = open(f"{out}/{kind}.{r}.wrk").read()
    p99s.append(ms(re.search(r"^\s*99%\s+(\S+)", text, re.M).group(1)))
    rpss.append(float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)))
    speeds.extend(float(v) for v in open(f"{out}/{kind}.{r}.speed").read().split())
    slow.append(slowest_quarter(loops(f"{out}/{kind}.{r}.watch")) or float("nan"))
    walk.append(slowest_quarter(walks(f"{out}/{kind}.{r}.watch")) or float("nan"))
    web_ms, db_ms = (int(v) for v in open(f"{out}/{kind}.{r}.cpu").read().split()[:2])
    cpu.append((web_ms + db_ms) / int(re.search(r"(\d+) requests in", text).group(1)))
    try:  # PostgreSQL's buffer accesses a request (bench_pg_work): the same work in every run, or not
        work.append(float(open(f"{out}/{kind}.{r}.work").read().split()[0]))
    except OSError:
        pass
def spread(xs): return (max(xs) - min(xs)) / min(xs) * 100
flag = "" if max(spread(p99s), spread(rpss)) <= 10 else "  ABOVE 10 %: the runs disagree"
# The loop's times around and during the runs: when they moved as much as the runs did, the machine moved, not the product.
print(f"[bench] {kind}: spread between the {runs} runs: p99 {spread(p99s):.1f} %, req/s {spread(rpss):.1f} %{flag}; "
      f"the machine's own speed around them (bench_speed): {min(speeds):.1f} to {max(speeds):.1f} ms, spread {spread(speeds):.1f} %; "
      f"during them, the slowest quarter of the loops from {' / '.join(f'{x:.2f}' for x in slow)} ms, spread {spread(slow):.1f} %, "
      f"of the memory walks from {' / '.join(f'{x:.0f}' for x in walk)} ns, spread {spread(walk):.1f} %; "
      f"CPU a request (web and database) {' / '.join(f'{x:.2f}' for x in cpu)} ms, spread {spread(cpu):.1f} %"
      + (f"; PostgreSQL's buffer accesses a request {' / '.join(f'{x:.0f}' for x in work)}, spread {spread(work):.1f} %" if work else ""))
PY
  fi
done
st() { echo $(( $(awk -v k="$1:" '$1 == k {print $2}' /proc/$web/status) / 1024 )); }
log "web host: peak RSS $(st VmHWM) MB, now $(st VmRSS) MB over the warm-ups and measured runs (now: anonymous $(st RssAnon) MB, file-backed $(st RssFile) MB, i.e. the database files' memory map, which the kernel can drop)"
