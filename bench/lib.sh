# Shared by the bench scripts (source it): the PostgreSQL server they measure on.
#
# PG_SETTINGS=recommended (the default) runs on a PostgreSQL cluster of its own, "bench" on port 5433, created
# on first use with the settings docs/operations.md recommends (bench/postgres/recommended.conf), so that a
# fresh machine measures what we report and the server the tests use keeps its defaults.
# PG_SETTINGS=defaults runs on the machine's main cluster (port 5432) with whatever it has: the product works there too.
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

bench_publish_cli() { # $1 = output folder: the CLI as docs/operations.md deploys it, ReadyToRun for this machine, so that
  # each timed CLI process runs precompiled code rather than compiling ours as it starts; a plain build where the
  # package source has no crossgen pack for this machine. Sets BENCH_CLI_BUILD to the build it made.
  local rid; rid=linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')
  rm -rf "$1"
  if dotnet publish src/InsureCrm.Cli -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o "$1" -nologo -v q \
      >/dev/null 2>"$1.publish.err"; then
    BENCH_CLI_BUILD="ReadyToRun ($rid)"
  else
    echo "[bench] ReadyToRun publish failed ($(tail -1 "$1.publish.err")); publishing a plain build"
    rm -rf "$1"
    dotnet publish src/InsureCrm.Cli -c Release -o "$1" -nologo -v q >/dev/null
    BENCH_CLI_BUILD="plain (JIT)"
  fi
  rm -f "$1.publish.err"
}

bench_pg() { # ensures the server is up; exports BENCH_PG_PORT and pg_admin
  local ver; ver=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1)
  if [ -z "$ver" ]; then
    as_root apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
    ver=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
  fi
  case "${PG_SETTINGS:-recommended}" in
    recommended)
      BENCH_PG_PORT=5433
      if ! pg_lsclusters -h | awk '{print $2}' | grep -qx bench; then
        as_root pg_createcluster "$ver" bench --port "$BENCH_PG_PORT" >/dev/null
      fi
      local conf; conf=$(pg_lsclusters -h | awk '$2=="bench" {print $1}') restart=0
      # Reinstalled when they differ, so that an edit of the recommended files is always what is measured: the
      # settings (conf.d) and the server processes' environment (the allocator, bench/postgres/server.env).
      local dest="/etc/postgresql/$conf/bench/conf.d/insurecrm.conf" envfile="/etc/postgresql/$conf/bench/environment"
      if ! cmp -s bench/postgres/recommended.conf "$dest"; then
        as_root install -m 644 -o postgres bench/postgres/recommended.conf "$dest"; restart=1
      fi
      if ! cmp -s bench/postgres/server.env "$envfile"; then
        as_root install -m 644 -o postgres bench/postgres/server.env "$envfile"; restart=1
      fi
      bench_hugepages && restart=1
      bench_sysctl
      if pg_lsclusters -h | awk '$2=="bench" {print $4}' | grep -q online; then
        [ "$restart" = 0 ] || as_root pg_ctlcluster "$conf" bench restart
      else
        as_root pg_ctlcluster "$conf" bench start
      fi ;;
    defaults)
      BENCH_PG_PORT=5432
      local main; main=$(pg_lsclusters -h | awk '$3==5432 {print $1" "$2}')
      [ -n "$main" ] || { as_root pg_createcluster "$ver" main --port 5432 >/dev/null; main="$ver main"; }
      pg_lsclusters -h | awk '$3==5432 {print $4}' | grep -q online || as_root pg_ctlcluster $main start ;;
    *) echo "PG_SETTINGS must be recommended or defaults, not '${PG_SETTINGS}'" >&2; return 1 ;;
  esac
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p "$BENCH_PG_PORT" -q && break; sleep 1; done
  # PGPASSWORD: peer authentication ignores it, the password rule below needs it once the password is set.
  as_root su postgres -c "PGPASSWORD=postgres psql -p $BENCH_PG_PORT -q -c \"ALTER USER postgres PASSWORD 'postgres';\"" >/dev/null
  export BENCH_PG_PORT
  pg_admin="Host=127.0.0.1;Port=$BENCH_PG_PORT;Username=postgres;Password=postgres;Database=postgres"
  BENCH_PG_HOST=127.0.0.1
  if [ "${PG_SETTINGS:-recommended}" = recommended ]; then
    # The product connects over the server's Unix socket, as a web node on the database's host should
    # (docs/operations.md, "The connection string"): the same password, no TCP stack. Debian allows only peer
    # authentication on the socket, and the bench's processes run as another OS user than postgres.
    local conf hba; conf=$(pg_lsclusters -h | awk '$2=="bench" {print $1}'); hba="/etc/postgresql/$conf/bench/pg_hba.conf"
    if ! as_root grep -q '^local all all scram-sha-256 # InsureCRM bench$' "$hba"; then
      as_root sed -i '1i local all all scram-sha-256 # InsureCRM bench' "$hba"
      as_root pg_ctlcluster "$conf" bench reload
    fi
    BENCH_PG_HOST=$(bench_psql postgres -Atc "SHOW unix_socket_directories" | cut -d, -f1 | tr -d ' ')
  fi
  export BENCH_PG_HOST
}

bench_hugepages() { # reserves 2 MB pages for the bench cluster's shared buffers (recommended.conf: huge_pages = try);
  # true when it reserved them now (the server must restart to use them). BENCH_HUGEPAGES=0 leaves the OS as it is.
  # 3,300 pages = 6.4 GB: shared_buffers (6 GB) and PostgreSQL's other shared memory. Reserved only when 8 GB stay
  # available besides; they stay reserved until reboot (`sysctl -w vm.nr_hugepages=0` frees them).
  [ "${BENCH_HUGEPAGES:-1}" = 1 ] || return 1
  local want=3300 have avail
  have=$(awk '/^HugePages_Total:/ {print $2}' /proc/meminfo)
  [ "${have:-0}" -lt "$want" ] || return 1
  avail=$(awk '/^MemAvailable:/ {print int($2 / 1024)}' /proc/meminfo)
  if [ "$avail" -lt $(( (want - have) * 2 + 8192 )) ]; then
    echo "[bench] huge pages not reserved: ${avail} MB available, $(( (want - have) * 2 + 8192 )) MB needed" >&2; return 1
  fi
  as_root sysctl -q -w vm.nr_hugepages=$want
  echo "[bench] reserved $(awk '/^HugePages_Total:/ {print $2}' /proc/meminfo) huge pages of 2 MB for the bench cluster" >&2
}

bench_sysctl() { # applies the kernel settings docs/operations.md recommends for the database server (bench/postgres/sysctl.conf);
  # BENCH_SYSCTL=0 leaves the OS as it is. They stay until reboot (`sysctl -w vm.dirty_background_ratio=10` restores the
  # default, 10 % of RAM). bench_server_note prints what was in force.
  [ "${BENCH_SYSCTL:-1}" = 1 ] || return 0
  as_root sysctl -q -p "$(dirname "${BASH_SOURCE[0]}")/postgres/sysctl.conf"
}

bench_kernel_note() { # the kernel's writeback settings in force (bench_sysctl)
  echo "vm.dirty_background_bytes=$(cat /proc/sys/vm/dirty_background_bytes), vm.dirty_background_ratio=$(cat /proc/sys/vm/dirty_background_ratio), vm.dirty_expire_centisecs=$(cat /proc/sys/vm/dirty_expire_centisecs)"
}

bench_server_note() { # what the server measured with beyond its settings: huge pages in use, the allocator's environment
  local pm; pm=$(head -n 1 "$(as_root su postgres -c "PGPASSWORD=postgres psql -p $BENCH_PG_PORT -Atc 'SHOW data_directory'")/postmaster.pid" 2>/dev/null)
  local env; env=$(as_root cat "/proc/$pm/environ" 2>/dev/null | tr '\0' '\n' | grep '^MALLOC_' | tr '\n' ' ')
  local huge; huge=$(awk '/^HugePages_Total:/ {t=$2} /^HugePages_Free:/ {f=$2} /^HugePages_Rsvd:/ {r=$2} END {print (t-f+r) * 2 " MB of " t * 2 " MB"}' /proc/meminfo)
  echo "huge pages in use ${huge}; server environment: ${env:-none}; $(bench_kernel_note)"
}

bench_keys() { # $1 = database: the insurer's key file (shared by the bench's databases) and an access-log checkpoint file of
  # that database's own. The checkpoint names the head of one database's log; shared by two, each log found the other's
  # head missing from it and kept it as evidence (docs/operations.md, "The access log under load").
  export Security__Protection__KeyFile="$PWD/bench/out/keys.json"
  export Security__AccessLog__CheckpointFile="$PWD/bench/out/$1.access-log-head.json"
}

# A web node's pool (docs/operations.md, "The connection string"): about three connections per core of the database
# server, here 6. The CLI keeps 64: an import or the nightly chain runs parallel steps of its own.
BENCH_WEB_POOL=${BENCH_WEB_POOL:-6}

bench_pg_cs() { # $1 = database, $2 = Maximum Pool Size (default 64; a web host: $BENCH_WEB_POOL) -> the connection string the
  # product gets: the Unix socket (recommended settings) or loopback (PG_SETTINGS=defaults) on the same host, so no TLS
  # (docs/operations.md, "The connection string")
  echo "Host=${BENCH_PG_HOST:-127.0.0.1};Port=$BENCH_PG_PORT;Username=postgres;Password=postgres;Database=$1;Maximum Pool Size=${2:-64};SSL Mode=Disable"
}

bench_psql() { # $1 = database, rest = psql arguments
  local db=$1; shift
  PGPASSWORD=postgres psql -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -d "$db" "$@"
}

bench_wrk_script() { # $1 = paths file ("paths = { ... }"), $2 = Cookie header value, $3 = the wrk script to write: it
  # requests the paths in turn, each with the cookie (foundation.sh's pages, findings scripts).
  cat "$1" - >"$3" <<LUA
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], { ["Cookie"] = "$2" })
end
LUA
}

bench_login() { # $1 = port, $2 = cookie jar file, $3 = demo user (default callcenter) -> prints the Cookie header value
  local port=$1 jar=$2 user=${3:-callcenter} token
  token=$(curl -fs -c "$jar" "http://127.0.0.1:$port/login" | sed -nE 's/.*name="__RequestVerificationToken"[^>]*value="([^"]+)".*/\1/p' | head -n 1)
  curl -fs -b "$jar" -c "$jar" -o /dev/null --data-urlencode "userName=$user" --data-urlencode "password=Demo!2026crm" \
    --data-urlencode "__RequestVerificationToken=$token" "http://127.0.0.1:$port/account/login"
  awk '!/^#/ && NF>=7 {printf "%s=%s; ", $6, $7}' "$jar"; awk '/^#HttpOnly_/ {printf "%s=%s; ", $6, $7}' "$jar"
}

bench_sql() { # psql on the bench server with psql's own arguments (-d DB ...), notices silenced
  PGPASSWORD=postgres PGOPTIONS="-c client_min_messages=warning" command psql -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres "$@"
}

bench_db_exists() { # $1 = database
  [ -n "$(bench_sql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$1'")" ]
}

bench_pg_work() { # $1 = database -> the work PostgreSQL has done for it so far: buffer accesses (hits and reads), rows
  # (returned and fetched), commits, and the server's WAL records (all databases; the bench is the server's only load).
  # Each backend sends its counts at most once a second, and the last ones after 10 s idle (PostgreSQL 15): read it after
  # an 11 s pause, and the difference between two readings is the work of what ran between them. Beside the CPU a request
  # it tells the same work taking more CPU (the machine) from more work (the product, the database's state).
  sleep 11
  bench_sql -d postgres -Atc "SELECT d.blks_hit + d.blks_read, d.tup_returned + d.tup_fetched, d.xact_commit, w.wal_records
    FROM pg_stat_database d, pg_stat_wal w WHERE d.datname = '$1'" | tr '|' ' '
}

bench_speed() { # the machine's own speed on the idle machine, between measured runs: milliseconds of CPU a fixed
  # single-thread loop takes (median of five), lower is faster (bench/machine_speed.py). It tells a run that differs
  # because the VM's CPU did (on the 2-core VM the same loop took 314 to 522 ms within three idle minutes) from one the
  # product made slower.
  python3 "$(dirname "${BASH_SOURCE[0]}")/machine_speed.py" idle
}

bench_watch_start() { # $1 = file: times a short loop and a memory walk every half second while a measured run goes on (bench_watch_stop
  # ends it); a loop taken between runs does not see a slow stretch of the VM during one. Returns once the watch's memory
  # table is built (its first line), so that building it does not load the run's first second.
  rm -f "$1"
  python3 "$(dirname "${BASH_SOURCE[0]}")/machine_speed.py" watch "$1" &
  BENCH_WATCH=$!
  local waited=0
  while [ ! -s "$1" ] && [ "$waited" -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done
}

bench_watch_stop() { # $1 = the file given to bench_watch_start -> what the loop took during the run
  kill "$BENCH_WATCH" 2>/dev/null || true
  wait "$BENCH_WATCH" 2>/dev/null || true
  python3 "$(dirname "${BASH_SOURCE[0]}")/machine_speed.py" summary "$1"
}

bench_settle() { # before a timed step on the bench server: lets the server finish what earlier steps left it, so that each
  # run starts alike. Waits (up to 5 minutes) for autovacuum workers, which vacuum a table loaded a minute earlier
  # while the next step runs, then a CHECKPOINT: the step then does not meet the 5-minute timed checkpoint part-way, and
  # with it a full-page image in the WAL for the first change of every page after it. Prints what it waited for.
  local waited=0
  while [ "$(bench_sql -d postgres -Atc "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")" != 0 ] \
    && [ "$waited" -lt 300 ]; do sleep 5; waited=$((waited + 5)); done
  bench_sql -d postgres -qc CHECKPOINT
  echo "settled: waited ${waited} s for autovacuum, then CHECKPOINT"
}

bench_spread() { # $1 = label, $2 = the runs' figures (space-separated) -> their spread, flagged above 10 %
  python3 -c "
w = [float(x) for x in '$2'.split()]
if len(w) < 2: print('$1: one run only')
else:
    s = (max(w) - min(w)) / min(w) * 100
    print(f\"$1 {' / '.join(f'{x:.1f}' for x in w)} s: {'within' if s <= 10 else 'NOT within'} 10 % ({s:.1f} %)\")"
}

bench_measure() { # $1 = name, $2 = goal in seconds, $3 = log file, rest = command: one timed CLI run against $db
  # (bench/worklist/measure.py: wall, CLI and backend CPU, peak RSS), recorded in the caller's runs[name] for bench_spread;
  # over the goal sets status=3, a failed run status=1; prints the last MEASURE_TAIL (default 8) lines of the run's output.
  local name=$1 goal=$2 file=$3; shift 3
  local outp line wall flag=""
  outp=$(python3 bench/worklist/measure.py "$db" "$file" -- "$@") || { echo "$outp" >&2; log "$name FAILED"; status=1; return 0; }
  line=$(echo "$outp" | tail -n 1)
  wall=$(echo "$line" | sed -nE 's/^measured: wall ([0-9.]+) s.*/\1/p')
  runs[$name]="${runs[$name]:-} $wall"
  python3 -c "import sys; sys.exit(0 if $wall < $goal else 1)" || { flag=" OVER GOAL ($goal s)"; status=3; }
  log "$(printf '%-9s %s%s' "$name" "${line#measured: }" "$flag")"
  grep -v '^$' "$file" | tail -n "${MEASURE_TAIL:-8}" | sed 's/^/           /'
}
