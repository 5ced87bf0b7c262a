#!/bin/bash
# usage: eq.sh BUILD_DIR LABEL: saves the API JSON and the page HTML of every id in eq-ids.txt
set -u
dir=$1; label=$2; out=/tmp/view/eq-$label; rm -rf $out; mkdir -p $out; port=5202
export Database__Provider=Postgres ConnectionStrings__Crm="Host=127.0.0.1;Username=postgres;Password=postgres;Database=view_1m;Maximum Pool Size=64"
export Security__Protection__KeyFile=/tmp/view/keys.json
ASPNETCORE_ENVIRONMENT=Production Urls="http://127.0.0.1:$port" Demo__GenerateOnStartup=false Security__Web__SecureCookies=SameAsRequest \
  nice -n 10 dotnet $dir/InsureCrm.Web.dll >$out/web.log 2>&1 &
web=$!
trap 'kill $web 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done
source "$(dirname "$0")/../../lib.sh"
cookie=$(bench_login "$port" "$out/cookies.txt")
while read id; do
  curl -s -o $out/$id.json -w "$id api %{http_code}\n" -H "Cookie: $cookie" "http://127.0.0.1:$port/api/customers/$id?reason=inquiry"
  curl -s -w "$id page %{http_code}\n" -H "Cookie: $cookie" "http://127.0.0.1:$port/customers/$id?reason=inquiry" | sed -E 's/(name="__RequestVerificationToken"[^>]*value=")[^"]+/\1X/g' > $out/$id.html
done < /tmp/view/eq-ids.txt > $out/codes.txt
