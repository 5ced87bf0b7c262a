#!/bin/bash
# Measures `insurecrm import customers` with a generated file: a first import into an empty database, then
# the same file again (all unchanged). Prints the CLI's summary (rows/s) and the peak memory of each run.
# usage: bench/import/run.sh [ROWS=200000] [both|sqlite|postgres]   (PostgreSQL at 127.0.0.1:5432, postgres/postgres)
# INSURECRM_IMPORT_TIMINGS=1 also prints the time per phase (to standard error).
set -euo pipefail
ROWS=${1:-200000}
WHICH=${2:-both}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 "$ROOT/bench/import/make-customers-csv.py" "$ROWS" "$WORK/customers.csv"
dotnet build -c Release "$ROOT/src/InsureCrm.Cli" -o "$WORK/cli" >/dev/null
CLI="$WORK/cli/insurecrm"
export Security__Protection__KeyFile="$WORK/keys.json"
# Import verbs run on behalf of an account allowed to import (the first admin of each new database).
export INSURECRM_USER=bench

migrate() {
    "$CLI" db migrate >/dev/null
    env -u INSURECRM_USER "$CLI" users add "$INSURECRM_USER" --role Admin </dev/null >/dev/null
}

run() {
    /usr/bin/time -f "peak memory %M KB, %e s wall, %U s user, %S s system" -o "$WORK/time" \
        "$CLI" import customers "$WORK/customers.csv" --source BENCH | grep -E "^(Imported|Lines)"
    cat "$WORK/time"
}

if [ "$WHICH" != postgres ]; then
    echo "== SQLite"
    export Database__Provider=Sqlite ConnectionStrings__Crm="Data Source=$WORK/crm.db"
    migrate
    run
    echo "-- again (all unchanged)"
    run
fi

if [ "$WHICH" != sqlite ]; then
    echo "== PostgreSQL"
    DB=bench_import_$$
    PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB"
    export Database__Provider=Postgres ConnectionStrings__Crm="Host=127.0.0.1;Username=postgres;Password=postgres;Database=$DB"
    migrate
    run
    echo "-- again (all unchanged)"
    run
    PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE $DB WITH (FORCE)"
fi
