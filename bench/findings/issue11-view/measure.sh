#!/bin/bash
# usage: measure.sh BUILD_DIR LABEL   (web host on 5202 against view_1m; everything under nice -n 10)
set -u
dir=$1; label=$2; out=/tmp/view/m-$label; mkdir -p $out
port=5202
export PGPASSWORD=postgres
psqlq() { psql -h 127.0.0.1 -U postgres -d view_1m -Atc "$1"; }
export Database__Provider=Postgres ConnectionStrings__Crm="Host=127.0.0.1;Username=postgres;Password=postgres;Database=view_1m;Maximum Pool Size=64"
export Security__Protection__KeyFile=/tmp/view/keys.json
ASPNETCORE_ENVIRONMENT=Production Urls="http://127.0.0.1:$port" Demo__GenerateOnStartup=false Security__Web__SecureCookies=SameAsRequest \
  nice -n 10 dotnet $dir/InsureCrm.Web.dll >$out/web.log 2>&1 &
web=$!
trap 'kill $web 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 1; done
source "$(dirname "$0")/../../lib.sh"
cookie=$(bench_login "$port" "$out/cookies.txt")
psqlq "SELECT id FROM customer WHERE merged_into_id IS NULL ORDER BY (id * 7919) % 100003 LIMIT 2000" > $out/ids.txt
{ echo "paths = {"; sed 's|^\(.*\)$|  "/api/customers/\1?reason=inquiry",|' $out/ids.txt; echo "}"; } > $out/view-paths.lua
bench_wrk_script $out/view-paths.lua "$cookie" $out/view.lua
cpu() { # web ticks, pg backend ticks (view_1m)
  w=$(awk '{print $14+$15}' /proc/$web/stat)
  p=0; for pid in $(psqlq "select pid from pg_stat_activity where datname='view_1m' and pid<>pg_backend_pid()"); do
    [ -r /proc/$pid/stat ] && p=$((p + $(awk '{print $14+$15}' /proc/$pid/stat))); done
  echo "$w $p"
}
echo "load before: $(cat /proc/loadavg)" > $out/summary.txt
nice -n 10 wrk -t2 -c16 -d60s --timeout 30s -s $out/view.lua "http://127.0.0.1:$port" > $out/warmup.wrk
for v in view:"" view-t30:"--timeout 30s"; do
name=${v%%:*}; extra=${v#*:}; extra=${extra//\"/}
python3 "$(dirname "$0")/../../cpuwrap.py" $web view_1m $out/$name.cpu -- nice -n 10 wrk -t2 -c16 -d20s --latency $extra -s $out/view.lua "http://127.0.0.1:$port" > $out/$name.wrk
read -r wms pms _ < $out/$name.cpu; w0=0; p0=0; w1=$((wms/10)); p1=$((pms/10))
req=$(awk '/requests in/ {print $1}' $out/$name.wrk)
echo "wrk -t2 -c16 -d20s --latency $extra: $(grep -E 'Requests/sec|50%|99%|Non-2xx|Socket' $out/$name.wrk | tr -s ' ' | tr '\n' ';') requests=$req" >> $out/summary.txt
python3 -c "print('  CPU ms/view: web %.2f, pg %.2f' % (($w1-$w0)*10/$req, ($p1-$p0)*10/$req))" >> $out/summary.txt
done
# 500 sequential views, each a different customer (ids 1001..1500 of the list, not used by wrk first)
sed -n 1001,1500p $out/ids.txt > $out/seq-ids.txt
cat > $out/seq.sh <<SEQ
while read id; do nice -n 10 curl -s -o /dev/null -w '%{http_code} %{time_total}\\n' -H "Cookie: $cookie" "http://127.0.0.1:$port/api/customers/\$id?reason=inquiry"; done < $out/seq-ids.txt > $out/seq.txt
SEQ
python3 "$(dirname "$0")/../../cpuwrap.py" $web view_1m $out/seq.cpu -- bash $out/seq.sh
read -r wms pms _ < $out/seq.cpu; w0=0; p0=0; w1=$((wms/10)); p1=$((pms/10))
python3 - $out/seq.txt $w0 $w1 $p0 $p1 >> $out/summary.txt <<'PY'
import sys, statistics
rows=[l.split() for l in open(sys.argv[1])]
t=sorted(float(r[1])*1000 for r in rows); codes={r[0] for r in rows}
w0,w1,p0,p1=map(int,sys.argv[2:6]); n=len(t)
print("sequential %d views (codes %s): median %.1f ms, p90 %.1f, p99 %.1f, max %.1f; CPU ms/view web %.2f, pg %.2f" % (n, codes, statistics.median(t), t[int(n*0.9)-1], t[int(n*0.99)-1], t[-1], (w1-w0)*10/n, (p1-p0)*10/n))
PY
echo "load after: $(cat /proc/loadavg)" >> $out/summary.txt
cat $out/summary.txt
