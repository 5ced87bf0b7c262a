#!/usr/bin/env bash
# seeds.sh SEED: the synthetic export (UPLIFT_TRAIN, default the one bench/uplift.sh wrote) split under SEED; ours
# (--reach plannedContact, weights; the Release build of src/) and scikit-learn (REACH=plannedContact, one thread);
# top 30 % and Qini per score file (issue 13 round 2, bench/findings/2026-12-04-issue13-round2.md).
# UPLIFT_CLI names the insurecrm.dll to run (default: the Release build of src/), e.g. a copy that a rebuild cannot change mid-run.
set -e
cd "$(dirname "$0")/../.."
s=$1; d=bench/out/uplift/seed$s; rm -rf $d; mkdir -p $d
/usr/bin/python3 bench/uplift/split.py ${UPLIFT_TRAIN:-bench/out/uplift/synthetic-100000.uplift.csv} treated responded 0.3 $s $d/train.csv $d/test.csv
cli="dotnet ${UPLIFT_CLI:-src/InsureCrm.Cli/bin/Release/net10.0/insurecrm.dll}"
for spec in two-model:gbdt two-model:logistic class-transform:gbdt class-transform:logistic uplift-tree: uplift-forest: auto:logistic; do
  alg=${spec%%:*}; clf=${spec#*:}; v=0; [ $alg = auto ] && v=0.2
  m=$d/ours-$alg${clf:+-$clf}
  $cli model train --data $d/train.csv --target responded --treatment treated --id customer_id --algorithm $alg ${clf:+--classifier $clf} --validation $v --seed $s --reach plannedContact --out $m.json > $m.train.txt
  $cli model score --model $m.json --data $d/test.csv --out $m.csv > /dev/null
done
REACH=plannedContact OMP_NUM_THREADS=1 /usr/bin/python3 bench/uplift/sklearn_side.py $d/train.csv $d/test.csv treated responded customer_id $d "" "" > $d/sklearn.txt
/usr/bin/python3 bench/uplift/top30.py $d/test.csv customer_id bench/out/uplift/synthetic-100000.truth.campaigns.csv 1 $d/ours-*.csv $d/sklearn-*.csv | awk '{print $1, $2, $3, $5}'
/usr/bin/python3 bench/uplift/qini.py $d/test.csv treated responded $d/ours-*.csv $d/sklearn-*.csv
