#!/bin/bash
# usage: ab.sh LABEL ROUNDS BUILD... : ROUNDS rounds, each build once per round with one 20 s run
cd /work/wt/view3
label=$1; rounds=$2; shift 2
for r in $(seq 1 $rounds); do
  for b in "$@"; do
    for _ in $(seq 1 30); do curl -s -o /dev/null http://127.0.0.1:5340/health/live || break; sleep 1; done
    WARMUP=${WARMUP:-40s} RUNS=1 PORT=5340 DB=view3_1m OUT=/tmp/view3 KEYS=/tmp/view3/keys.json timeout 400 bash bench/findings/issue11-web/measure.sh /tmp/view3/$b $label-$r-$b view > /tmp/view3/$label-$r-$b.out 2>&1
    echo "$b: $(grep 'run 1' /tmp/view3/$label-$r-$b.out)" >> /tmp/view3/$label.sum
  done
done
