#!/bin/bash
# usage: host.sh PORT NAME [VAR=VALUE...]  (round 21, scratch measurements of issue 11)
# Starts a published web host (WEB, default bench/out/web of this clone, as bench/foundation.sh publishes it) on PORT
# against bench_gen on the bench cluster (5433, pool 6 as the bench's view phase), with the extra environment given,
# signs in as the bench does and writes OUT/NAME.pid, OUT/NAME.lua (the bench's view paths with its cookie).
# OUT defaults to /tmp/round21. Stop it with: kill $(cat OUT/NAME.pid)
set -eu
port=$1; name=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../../.." && pwd)
out=${OUT:-/tmp/round21}; mkdir -p "$out"
cd "$root"
source bench/lib.sh
BENCH_PG_PORT=5433
bench_keys bench_gen
export Database__Provider=Postgres ConnectionStrings__Crm="$(bench_pg_cs bench_gen 6)"
env "$@" ASPNETCORE_ENVIRONMENT=Production Urls="http://127.0.0.1:$port" Demo__GenerateOnStartup=false \
  Security__Web__SecureCookies=SameAsRequest setsid dotnet "${WEB:-$root/bench/out/web}/InsureCrm.Web.dll" >"$out/$name.log" 2>&1 </dev/null &
echo $! >"$out/$name.pid"
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done
cookie=$(bench_login "$port" "$out/$name.cookies")
bench_wrk_script bench/out/postgres/view-paths.lua "$cookie" "$out/$name.lua"
echo "$name: port $port, pid $(cat "$out/$name.pid")"
