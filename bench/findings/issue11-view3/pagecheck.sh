#!/bin/bash
# pagecheck.sh BUILD... : starts each build on 5341 against view3_1m, saves /api/customers/{id} for every id of check-ids.txt
cd /work/wt/view3; source bench/lib.sh
for b in "$@"; do
  ASPNETCORE_ENVIRONMENT=Production Urls="http://127.0.0.1:5341" Demo__GenerateOnStartup=false Security__Web__SecureCookies=SameAsRequest Database__Provider=Postgres ConnectionStrings__Crm="Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres;Database=view3_1m" Security__Protection__KeyFile=/tmp/view3/keys.json dotnet /tmp/view3/$b/InsureCrm.Web.dll > /tmp/view3/pc-$b.log 2>&1 &
  pid=$!
  for _ in $(seq 1 60); do curl -fs http://127.0.0.1:5341/health/ready >/dev/null && break; sleep 1; done
  cookie=$(bench_login 5341 /tmp/view3/pc-cookies-$b.txt)
  mkdir -p /tmp/view3/pc-$b
  for id in $(cat /tmp/view3/check-ids.txt); do for i in 1 2 3 4 5 6 7; do curl -s -o /tmp/view3/pc-$b/$id.json -w "%{http_code}\n" -H "Cookie: $cookie" "http://127.0.0.1:5341/api/customers/$id?reason=inquiry" > /tmp/view3/pc-$b/$id.code; done; done
  kill $pid; wait $pid 2>/dev/null
done
