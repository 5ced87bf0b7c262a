#!/usr/bin/env bash
# The rule builder's live count at 1M as a marketer sees it (issue 12): POST /api/campaigns/rules/count, what htmx sends on
# every change, with the five conditions of bench/campaigns.sh, N times against a running (warm) web host; prints each
# request's seconds (curl time_total) and the matching count. The first request of a new host includes its warm-up.
#
#   BASE=http://127.0.0.1:5091 USER_NAME=bench-marketer PASSWORD=... CAMPAIGN=ID N=8 bash bench/campaigns/livecount.sh
#
# The host: the published web host on the bench database, e.g. ASPNETCORE_ENVIRONMENT=Development (cookies over http)
# Demo__GenerateOnStartup=false Demo__SeedUsers=false Database__Provider=Postgres ConnectionStrings__Crm=... ; the account:
# `insurecrm users reset-password bench-marketer --password-stdin`; CAMPAIGN: any campaign id (its rule page gives the form token).
set -euo pipefail
base=${BASE:-http://127.0.0.1:5091}; n=${N:-6}; tmp=$(mktemp -d); cj="$tmp/cookies"; trap 'rm -rf "$tmp"' EXIT
curl -s -c "$cj" -o "$tmp/login.html" "$base/login"
tok=$(grep -o 'name="__RequestVerificationToken" value="[^"]*"' "$tmp/login.html" | sed 's/.*value="//;s/"$//')
curl -s -b "$cj" -c "$cj" -o /dev/null -X POST "$base/account/login" --data-urlencode "__RequestVerificationToken=$tok" \
  --data-urlencode "userName=${USER_NAME:-bench-marketer}" --data-urlencode "password=${PASSWORD:?give PASSWORD}" --data-urlencode "returnUrl=/"
curl -s -b "$cj" -c "$cj" -o "$tmp/t.html" "$base/campaigns/${CAMPAIGN:?give CAMPAIGN=id}/target"
tok=$(grep -o 'name="__RequestVerificationToken" value="[^"]*"' "$tmp/t.html" | head -1 | sed 's/.*value="//;s/"$//')
args=(-s -b "$cj" -o "$tmp/c.html" -w "%{time_total}\n" -X POST "$base/api/campaigns/rules/count" -H "HX-Request: true" --data-urlencode "__RequestVerificationToken=$tok")
for r in "all|age|between|30, 64" "all|contracts.activeCount|gte|1" "all|value.grade|in|A, B, C, D, E, F" "all|gap.family|in|Health" "all|kind|in|Individual"; do
  IFS='|' read -r g f o v <<< "$r"; args+=(--data-urlencode "group=$g" --data-urlencode "field=$f" --data-urlencode "op=$o" --data-urlencode "values=$v")
done
for _ in $(seq 1 "$n"); do curl "${args[@]}"; done
grep -o 'rule-count-matching">[^<]*' "$tmp/c.html"
