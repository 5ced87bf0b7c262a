#!/bin/bash
# usage: abcs.sh LABEL ROUNDS BUILD : the build with and without plan_cache_mode=force_generic_plan
cd /work/wt/view3
label=$1; rounds=$2; b=$3
for r in $(seq 1 $rounds); do
  for cs in "" "Options=-c plan_cache_mode=force_generic_plan"; do
    for _ in $(seq 1 30); do curl -s -o /dev/null http://127.0.0.1:5340/health/live || break; sleep 1; done
    tag=$([ -n "$cs" ] && echo generic || echo auto)
    CS_EXTRA="$cs" WARMUP=${WARMUP:-40s} RUNS=1 PORT=5340 DB=view3_1m OUT=/tmp/view3 KEYS=/tmp/view3/keys.json timeout 400 bash bench/findings/issue11-web/measure.sh /tmp/view3/$b $label-$r-$tag view > /tmp/view3/$label-$r-$tag.out 2>&1
    echo "$b $tag: $(grep 'run 1' /tmp/view3/$label-$r-$tag.out)" >> /tmp/view3/$label.sum
  done
done
