#!/bin/bash
# The yardstick for the customer import (issue 11, item 3): binary COPY of the rows the importer writes, into
# an empty migrated database with the same tables, columns and indexes, with nothing else around it (no
# parsing, validation, protection, identity resolution or batching). Prints rows/s and CPU seconds.
#
#   bench/import/raw-copy.sh SOURCE_DB TARGET_DB [CLI]
#
# SOURCE_DB: a PostgreSQL database that `insurecrm import customers` filled from a file (into an empty
#   database), e.g. bench/foundation.sh's bench_import. Its rows are exported in binary: they carry the
#   protected fields (rrn_cipher, rrn_hash, rrn_masked) exactly as the importer computed them. Customers are
#   exported as inserted (merged_into_id NULL, version 0, updated_at = created_at); contact rows and source
#   keys as they are (those of merged customers now point at the survivor, which changes nothing in cost).
#   identity_merge rows are not copied: they are the importer's own extra work.
# TARGET_DB: dropped and created, migrated with the CLI (default: dotnet bench/out/cli/insurecrm.dll).
# The COPYs run in one transaction, with the same column lists as the importer's (CustomerLoader), child
# ids from their identity, synchronous_commit off and the child tables' foreign-key triggers skipped
# (session_replication_role = replica), as the importer does. FK_CHECKS=1 keeps those triggers.
# AFTER_MIGRATE_SQL: SQL run on TARGET_DB after migrating, to try an index change (e.g. a partial index).
# BATCH_ROWS=20000 copies as the importer writes: per batch of that many customers one transaction with the
#   customers' COPY, then the COPYs of their source keys, phones, e-mails and addresses (rows by id range:
#   needs SOURCE_DB's tables to hold rows with ids 1..N and one row of each kind per customer, as the
#   generated bench file gives). Shows what interleaving the five tables' index writes costs by itself.
# STREAMS=2 copies the phones, e-mails and addresses on a second connection at the same time as the customers and
#   their source keys, in transactions of their own: the shape a first import writes in (docs/imports.md), as
#   raw COPY. The yardstick of the issue stays one stream (the default, STREAMS=1).
# Needs bench/import/cpu.py (CPU of psql and of its backend) and PostgreSQL at 127.0.0.1 (postgres/postgres) on
# port BENCH_PG_PORT (bench/lib.sh; default 5432).
set -euo pipefail
SRC=$1
DST=$2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CLI=${3:-dotnet $ROOT/bench/out/cli/insurecrm.dll}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# Loopback without TLS, as bench_pg_cs gives the importer (bench/lib.sh): the yardstick and the importer connect alike.
export PGPASSWORD=${PGPASSWORD:-postgres} PGPORT=${BENCH_PG_PORT:-5432} PGSSLMODE=${PGSSLMODE:-disable}
psql() { command psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
BENCH_PG_PORT=$PGPORT; source "$ROOT/bench/lib.sh" # bench_settle

customer_cols="id, kind, name, name_script, birth_date, gender, rrn_cipher, rrn_hash, rrn_masked, business_number, occupation,
  income_band, marital_status, children, preferred_channel, preferred_contact_time, created_at, updated_at, merged_into_id, version"
declare -A cols=(
  [customer_source_key]="customer_id, source_system, source_id"
  [customer_phone]="customer_id, kind, number, is_primary"
  [customer_email]="customer_id, address, is_primary"
  [customer_address]="customer_id, kind, sido, sigungu, line, postal_code, is_primary"
)
children="customer_source_key customer_phone customer_email customer_address"

echo "exporting from $SRC"
customer_select="SELECT id, kind, name, name_script, birth_date, gender, rrn_cipher, rrn_hash, rrn_masked, business_number,
  occupation, income_band, marital_status, children, preferred_channel, preferred_contact_time, created_at, created_at, NULL::bigint, 0
  FROM customer"
rows=$(psql -d "$SRC" -c "SELECT count(*) FROM customer")
batch=${BATCH_ROWS:-0}
if [ "$batch" = 0 ]; then
  psql -d "$SRC" -c "\\copy ($customer_select ORDER BY id) TO '$WORK/customer.bin' WITH (FORMAT binary)"
  for t in $children; do
    psql -d "$SRC" -c "\\copy (SELECT ${cols[$t]} FROM $t ORDER BY id) TO '$WORK/$t.bin' WITH (FORMAT binary)"
  done
else
  for t in customer $children; do
    [ "$(psql -d "$SRC" -c "SELECT min(id) = 1 AND max(id) = $rows AND count(*) = $rows FROM $t")" = t ] ||
      { echo "BATCH_ROWS needs ids 1..$rows in $t" >&2; exit 1; }
  done
  for ((lo = 0; lo < rows; lo += batch)); do
    range="WHERE id > $lo AND id <= $((lo + batch)) ORDER BY id"
    psql -d "$SRC" -c "\\copy ($customer_select $range) TO '$WORK/customer.$lo.bin' WITH (FORMAT binary)"
    for t in $children; do
      psql -d "$SRC" -c "\\copy (SELECT ${cols[$t]} FROM $t $range) TO '$WORK/$t.$lo.bin' WITH (FORMAT binary)"
    done
  done
fi
ls -l "$WORK"

psql -d postgres -c "DROP DATABASE IF EXISTS $DST WITH (FORCE)" -c "CREATE DATABASE $DST"
Database__Provider=Postgres ConnectionStrings__Crm="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Password=postgres;Database=$DST;SSL Mode=Disable" $CLI db migrate >/dev/null
[ -z "${AFTER_MIGRATE_SQL:-}" ] || psql -d "$DST" -c "$AFTER_MIGRATE_SQL"
streams=${STREAMS:-1}
case "$streams" in 1) first=$children; second="" ;; 2) first=customer_source_key; second="customer_phone customer_email customer_address" ;;
  *) echo "STREAMS must be 1 or 2, not $streams" >&2; exit 1 ;; esac
# The second stream's rows may arrive before their customers commit: their foreign-key checks would refuse them.
[ "$streams" = 1 ] || [ "${FK_CHECKS:-0}" != 1 ] || { echo "STREAMS=2 needs the foreign-key checks skipped (FK_CHECKS unset)" >&2; exit 1; }
transaction() { # $1 = file suffix, $2 = customers or not, $3 = child tables: one transaction with the customers, then their rows
  echo "BEGIN;"
  echo "SET LOCAL synchronous_commit = off;"
  [ "$2" = no ] || echo "\\copy customer ($(echo $customer_cols)) FROM '$WORK/customer$1.bin' WITH (FORMAT binary)"
  [ "${FK_CHECKS:-0}" = 1 ] || echo "SET LOCAL session_replication_role = replica;"
  for t in $3; do echo "\\copy $t (${cols[$t]}) FROM '$WORK/$t$1.bin' WITH (FORMAT binary)"; done
  echo "COMMIT;"
}
for s in 1 $([ "$streams" = 2 ] && echo 2); do
  if [ "$s" = 1 ]; then with=yes; tables=$first; else with=no; tables=$second; fi
  if [ "$batch" = 0 ]; then
    transaction "" $with "$tables" > "$WORK/load$s.sql"
  else
    for ((lo = 0; lo < rows; lo += batch)); do transaction ".$lo" $with "$tables"; done > "$WORK/load$s.sql"
  fi
done
load="psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -q -d $DST -f"
# Two streams: both psql run to their end, and the pair fails if either did.
[ "$streams" = 1 ] && run=($load "$WORK/load1.sql") \
  || run=(bash -c "$load '$WORK/load1.sql' & one=\$!; $load '$WORK/load2.sql'; two=\$?; wait \$one && [ \$two = 0 ]")
bench_settle # the COPY starts on a settled server, as the import does in bench/foundation.sh
echo "raw binary COPY of $rows customers and their rows into $DST${BATCH_ROWS:+ in transactions of $BATCH_ROWS customers}$([ "$streams" = 2 ] && echo ", contacts on a second connection") (load average $(cut -d' ' -f1 /proc/loadavg))"
ROWS=$rows python3 "$ROOT/bench/import/cpu.py" "$DST" -- "${run[@]}"
psql -d "$DST" -c "SELECT 'loaded: ' || (SELECT count(*) FROM customer) || ' customers, ' || (SELECT count(*) FROM customer_phone) || ' phones, '
  || (SELECT count(*) FROM customer_email) || ' e-mails, ' || (SELECT count(*) FROM customer_address) || ' addresses, '
  || (SELECT count(*) FROM customer_source_key) || ' source keys'"
