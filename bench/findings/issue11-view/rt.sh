#!/bin/bash
# usage: rt.sh BUILD_DIR LABEL: counts the EF commands of one customer view (EF command logging on)
set -u
dir=$1; label=$2; out=/tmp/view/rt-$label; mkdir -p $out; port=5202
export PGPASSWORD=postgres
export Database__Provider=Postgres ConnectionStrings__Crm="Host=127.0.0.1;Username=postgres;Password=postgres;Database=view_1m;Maximum Pool Size=64"
export Security__Protection__KeyFile=/tmp/view/keys.json
env "Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command=Information" ASPNETCORE_ENVIRONMENT=Production Urls="http://127.0.0.1:$port" Demo__GenerateOnStartup=false Security__Web__SecureCookies=SameAsRequest \
  nice -n 10 dotnet $dir/InsureCrm.Web.dll >$out/web.log 2>&1 &
web=$!
trap 'kill $web 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done
source "$(dirname "$0")/../../lib.sh"
cookie=$(bench_login "$port" "$out/cookies.txt")
for id in 11 12 13; do curl -s -o /dev/null -H "Cookie: $cookie" "http://127.0.0.1:$port/api/customers/$id?reason=inquiry"; done
sleep 1; n0=$(wc -l < $out/web.log)
curl -s -o $out/view.json -w '%{http_code}\n' -H "Cookie: $cookie" "http://127.0.0.1:$port/api/customers/4242?reason=inquiry"
sleep 2
tail -n +$((n0+1)) $out/web.log | grep '"Executed DbCommand' > $out/commands.jsonl
python3 - $out/commands.jsonl <<'PY'
import json, sys
rows=[json.loads(l) for l in open(sys.argv[1])]
def kind(sql):
    s=sql.lower()
    if 'access_log' in s or 'pg_advisory' in s or s.strip().startswith(('begin','commit','savepoint','release')): return 'access log'
    if 'user_session' in s or 'app_user' in s: return 'session'
    return 'view'
from collections import Counter
c=Counter(kind(r['State'].get('commandText','')) for r in rows)
print('EF commands for one view:', len(rows), dict(c))
for r in rows:
    t=r['State'].get('commandText','').replace('\n',' ')
    print('  %-10s %6sms %s' % (kind(t), r['State'].get('elapsed'), t[:110]))
PY
