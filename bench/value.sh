#!/usr/bin/env bash
# Value chain benchmark (issue 4): `insurecrm value run` (full, then incremental) over the insurer that bench/foundation.sh generated
# (run that first: it leaves bench_gen on PostgreSQL (bench/lib.sh: the bench cluster, PG_SETTINGS as there) or
# bench/out/sqlite/bench_gen.db, with the admin 'bench').
#
#   bench/value.sh postgres     # 1,000,000 customers after `bench/foundation.sh postgres 1000000`
#   bench/value.sh sqlite       # 100,000 customers after `bench/foundation.sh sqlite 100000`
set -euo pipefail
cd "$(dirname "$0")/.."
provider=${1:-sqlite}
out=bench/out/$provider; mkdir -p "$out"
source bench/lib.sh
bench_publish_cli bench/out/cli
export Security__Protection__KeyFile="$PWD/bench/out/keys.json" INSURECRM_USER=bench
if [ "$provider" = postgres ]; then
  bench_pg
  export Database__Provider=Postgres ConnectionStrings__Crm="$(bench_pg_cs bench_gen)"
else
  export Database__Provider=Sqlite ConnectionStrings__Crm="Data Source=$PWD/$out/bench_gen.db"
fi
# A full run, then the next night's incremental run (only customers whose inputs changed, or whose
# contracts passed a policy month or premium date, are computed; the rest are copied in the database).
date=${AS_OF:-$(date -u +%F)}
next=$(date -u -d "$date + 1 day" +%F)
for step in "full:--full --as-of $date" "incremental:--as-of $next"; do
  name=${step%%:*}; args=${step#*:}
  /usr/bin/time -v dotnet bench/out/cli/insurecrm.dll value run $args >"$out/value-$name.log" 2>"$out/value-$name.time"
  grep -E "^(Value run|Time:|Value share)" "$out/value-$name.log"
  echo "[bench] value run $name ($provider): wall $(sed -nE 's/.*Elapsed \(wall clock\) time.*: (.*)/\1/p' "$out/value-$name.time"), peak RSS $(( $(sed -nE 's/.*Maximum resident set size \(kbytes\): (.*)/\1/p' "$out/value-$name.time") / 1024 )) MB"
done
