#!/bin/bash
# Measures `insurecrm import customers` on SQLite and PostgreSQL with a generated file.
# usage: bench/import/run.sh [ROWS=200000]   (PostgreSQL at 127.0.0.1:5432, postgres/postgres)
set -euo pipefail
ROWS=${1:-200000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
python3 "$ROOT/bench/import/make-customers-csv.py" "$ROWS" "$WORK/customers.csv"
dotnet build -c Release "$ROOT/src/InsureCrm.Cli" >/dev/null
CLI="$ROOT/src/InsureCrm.Cli/bin/Release/net10.0/insurecrm"
export Security__Protection__KeyFile="$WORK/keys.json"

echo "== SQLite"
export Database__Provider=Sqlite ConnectionStrings__Crm="Data Source=$WORK/crm.db"
"$CLI" db migrate >/dev/null
"$CLI" import customers "$WORK/customers.csv" --source BENCH | tail -1
echo "-- again (all unchanged)"
"$CLI" import customers "$WORK/customers.csv" --source BENCH | tail -1

echo "== PostgreSQL"
DB=bench_import_$$
PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB"
export Database__Provider=Postgres ConnectionStrings__Crm="Host=127.0.0.1;Username=postgres;Password=postgres;Database=$DB"
"$CLI" db migrate >/dev/null
"$CLI" import customers "$WORK/customers.csv" --source BENCH | tail -1
echo "-- again (all unchanged)"
"$CLI" import customers "$WORK/customers.csv" --source BENCH | tail -1
PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE $DB WITH (FORCE)"
rm -rf "$WORK"
