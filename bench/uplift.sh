#!/usr/bin/env bash
# Uplift side by side with scikit-learn (issue 13, item 4): the same seeded split of each randomised test, stratified
# by treatment × outcome (bench/uplift/split.py), our learners through the workbench CLI (`model train --treatment
# --validation 0` on the train file, `model score` on the test file) against scikit-learn's two-model and class
# transformation over HistGradientBoostingClassifier and LogisticRegression (bench/uplift/sklearn_side.py, Debian's
# python3-sklearn). Every score file of both sides is measured by one evaluator (bench/uplift/qini.py), which is
# checked against our `model evaluate` on our own score files. Prints dataset, approach, Qini coefficient on the
# held-out rows and train+score seconds.
#
#   bench/uplift.sh
#
# Data sets (each skipped, with the reason, when it cannot be had):
# - hillstrom: the MineThatData e-mail test (64,000 customers; e-mail, either version, against "No E-Mail"; outcome
#   visit). Read from HILLSTROM_CSV (default ../shared/data/hillstrom/hillstrom.csv, the file as published: recency,
#   history_segment, …, segment, visit, conversion, spend).
# - synthetic: the synthetic insurer's pilot (the generator plants its effect and writes it to the truth file).
#   UPLIFT_TRAIN=FILE.csv UPLIFT_TRUTH=NAME.campaigns.csv use a training set already written (customer_id, features,
#   treated, responded); otherwise the script generates SYNTHETIC_CUSTOMERS (default 100,000) on SQLite and writes it
#   with `campaign learn-uplift ID --export` when the CLI has that command. UPLIFT_STANDIN=1 builds a stand-in instead
#   (bench/uplift/standin.py: members and responses of the pilot, features of `model export purchase-health` the day
#   before it starts), reported as such, and once more with the member's planned channel as a feature. Besides Qini,
#   the held-out top 30 % by predicted uplift is valued with the TRUE uplift against the truth's own top 30 %
#   (bench/uplift/top30.py; goal: within 10 %).
# UPLIFT_CAMPAIGN (default 1, the pilot C-SYN-001) is the campaign; UPLIFT_ID, UPLIFT_TREATMENT, UPLIFT_TARGET name the
# training set's columns (default customer_id, treated, responded).
# SEED (default 42) seeds the split and the learners; TEST_SHARE (default 0.3) is the held-out share.
# UPLIFT_REACH (default plannedContact when the synthetic training set has that column; empty for none) names the column
# that is 0 where the campaign could not reach the member: both sides leave those rows out of learning and predict 0 for
# them (ours: model train --reach; scikit-learn: REACH=). Hillstrom has no such column.
# CT_BALANCE (default weights) is how class transformation balances unequal arms on both sides: weights (N/(2·N_arm)) or
# topup (ours: --balance resample, the smaller arm topped up by drawing rows with replacement).
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/uplift; mkdir -p "$out"
seed=${SEED:-42}
share=${TEST_SHARE:-0.3}
py=/usr/bin/python3
source bench/lib.sh # as_root, bench_publish_cli
if ! $py -c "import sklearn" 2>/dev/null; then
  echo "[bench] installing python3-sklearn"
  as_root apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3-sklearn >/dev/null
fi
# The CLI as an insurer deploys it (docs/operations.md): ReadyToRun, so that each of our 2 processes per figure does not
# spend its start-up compiling our code (bench/lib.sh).
echo "[bench] publishing the CLI (Release) to $out/cli"
bench_publish_cli "$out/cli"
cli_build=$BENCH_CLI_BUILD
cli() { dotnet "$out/cli/insurecrm.dll" "$@"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
threads() { # default|1t command...: the command as it runs by default, or held to one thread
  if [ "$1" = 1t ]; then shift; DOTNET_PROCESSOR_COUNT=1 OMP_NUM_THREADS=1 "$@"; else shift; "$@"; fi
}
now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; } # start end -> seconds between them

echo "== settings: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD), $(nproc) cores, load average $(load)"
echo "   our CLI: $cli_build"
echo "   dotnet $(dotnet --version); python $($py -c 'import platform; print(platform.python_version())'), scikit-learn $($py -c 'import sklearn; print(sklearn.__version__)'), numpy $($py -c 'import numpy; print(numpy.__version__)')"
echo "   split: ${share} of each treatment × outcome group held out, seed ${seed}; ours: --validation 0 --seed ${seed}"
start=$(now); cli --help >/dev/null; echo "   our CLI's start-up alone (insurecrm --help): $(seconds "$start" "$(now)") s, paid twice in each of our figures (train, score)"

table=$out/table.tsv
printf 'dataset\tapproach\tclassifier\tside\tqini\tseconds\tseconds_1thread\n' > "$table"

# compare NAME DATA TREATMENT TARGET ID [TRUTH CAMPAIGN]: split, train and score both sides, evaluate all score files.
compare() {
  local name=$1 data=$2 treatment=$3 target=$4 id=$5 truth=${6:-} campaign=${7:-} reach=${8:-}
  local balance=weights; [ "${CT_BALANCE:-weights}" = topup ] && balance=resample
  local dir=$out/$name; rm -rf "$dir"; mkdir -p "$dir"
  $py bench/uplift/split.py "$data" "$treatment" "$target" "$share" "$seed" "$dir/train.csv" "$dir/test.csv"
  echo "== $name: $(( $(wc -l < "$dir/train.csv") - 1 )) train rows, $(( $(wc -l < "$dir/test.csv") - 1 )) test rows; reach column: ${reach:-none}; class transformation: $balance; load average $(load)"
  local spec alg clf s e
  # Each side twice: as it runs by default (both use every core: .NET's Parallel.For, scikit-learn's OpenMP), and
  # held to one thread (DOTNET_PROCESSOR_COUNT=1, OMP_NUM_THREADS=1), which the machine's other load disturbs less.
  # The Qini is that of the first run (the second writes its files under 1t/ and is only timed).
  local run where
  for run in default 1t; do
    where=$dir; [ "$run" = 1t ] && { where=$dir/1t; mkdir -p "$where"; }
    for spec in two-model:gbdt two-model:logistic class-transform:gbdt class-transform:logistic uplift-tree: uplift-forest: auto:logistic; do
      alg=${spec%%:*}; clf=${spec#*:}
      local model=$where/ours-$alg${clf:+-$clf}
      # auto chooses among the four approaches by the Qini of its own held-out 20 % of the train file, then refits.
      local validation=0; [ "$alg" = auto ] && validation=0.2
      s=$(now)
      threads "$run" dotnet "$out/cli/insurecrm.dll" model train --data "$dir/train.csv" --target "$target" --treatment "$treatment" --id "$id" \
        --algorithm "$alg" ${clf:+--classifier "$clf"} --validation "$validation" --seed "$seed" --balance "$balance" ${reach:+--reach "$reach"} \
        --out "$model.json" > "$model.train.txt"
      threads "$run" dotnet "$out/cli/insurecrm.dll" model score --model "$model.json" --data "$dir/test.csv" --out "$model.csv" >/dev/null
      e=$(now)
      printf '%s\t%s\t%s\tours\t%s\t%.2f\n' "$name" "$alg" "${clf:--}" "$run" "$(seconds "$s" "$e")" >> "$dir/times.tsv"
    done
    s=$(now)
    REACH=$reach threads "$run" $py bench/uplift/sklearn_side.py "$dir/train.csv" "$dir/test.csv" "$treatment" "$target" "$id" "$where" "" "" > "$where/sklearn.txt"
    e=$(now)
    awk -v n="$name" -v r="$run" '{ split($4, f, "="); printf "%s\t%s\t%s\tsklearn\t%s\t%.2f\n", n, $2, $3, r, f[2] }' "$where/sklearn.txt" >> "$dir/times.tsv"
    echo "   scikit-learn's whole process ($run threads; start-up, reading both files, 4 fits and scores, writing): $(seconds "$s" "$e") s; load average $(load)"
  done
  for f in "$dir"/ours-*.json; do
    cli model evaluate --model "$f" --data "$dir/test.csv" > "${f%.json}.evaluate.txt"
  done
  # One row per side, approach and classifier: the default run's seconds, then the one-thread run's.
  awk 'BEGIN { FS = OFS = "\t" } { k = $1 OFS $2 OFS $3 OFS $4; if ($5 == "default") { order[++n] = k; d[k] = $6 } else t[k] = $6 }
       END { for (i = 1; i <= n; i++) print order[i], "", d[order[i]], t[order[i]] }' "$dir/times.tsv" >> "$table"
  # One evaluator for both sides; it must agree with our own `model evaluate` to the 4 decimals that prints: its own
  # value may differ from the printed one by half a unit of the 4th decimal (plus rounding noise at exactly a half).
  $py bench/uplift/qini.py "$dir/test.csv" "$treatment" "$target" "$dir"/ours-*.csv "$dir"/sklearn-*.csv > "$dir/qini.txt"
  local f ours mine
  for f in "$dir"/ours-*.csv; do
    ours=$(sed -nE 's/^  Qini coefficient (-?[0-9.]+) .*/\1/p' "${f%.csv}.evaluate.txt")
    mine=$(awk -v p="$f" '$1 == p { split($2, q, "="); print q[2] }' "$dir/qini.txt")
    awk -v a="$ours" -v b="$mine" 'BEGIN { d = a - b; exit !(d <= 0.0000501 && d >= -0.0000501) }' \
      || { echo "   MISMATCH: $f: model evaluate says $ours, bench/uplift/qini.py $mine" >&2; exit 1; }
  done
  echo "   bench/uplift/qini.py agrees with our model evaluate to its 4 printed decimals on all $(ls "$dir"/ours-*.csv | wc -l) of our score files"
  # Fill the Qini column from the common evaluator (the file name names side, approach and classifier).
  awk -v n="$name" 'BEGIN { FS = OFS = "\t" }
    FNR == NR { split($0, a, " "); p = a[1]; sub(/^.*\//, "", p); split(a[2], q, "="); qini[p] = q[2]; next }
    $1 == n { key = $4 "-" $2 ($3 == "-" ? "" : "-" $3) ".csv"; if (key in qini) $5 = sprintf("%.4f", qini[key]) }
    { print }' "$dir/qini.txt" "$table" > "$table.new" && mv "$table.new" "$table"
  if [ -n "$truth" ]; then
    $py bench/uplift/top30.py "$dir/test.csv" "$id" "$truth" "$campaign" "$dir"/ours-*.csv "$dir"/sklearn-*.csv > "$dir/top30.txt"
  fi
  awk -F'\t' -v n="$name" '$1 == n { printf "   %-16s %-9s %-8s Qini %8s  %7s s  (one thread %s s)\n", $2, $3, $4, $5, $6, $7 }' "$table"
  if [ -n "$truth" ]; then
    echo "   top 30 % of the held-out rows by predicted uplift, valued with the TRUE uplift (goal: within 10 % of the truth's own top 30 %):"
    awk '{ p = $1; sub(/^.*\//, "", p); sub(/\.csv$/, "", p); for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
           printf "   %-34s %8s of %8s incremental responses (random %s): %5.1f %% %s\n", p, v["chosen"], v["best"], v["random"], v["ratio"] * 100,
             (v["ratio"] >= 0.9 ? "meets" : "BELOW") }' "$dir/top30.txt"
  fi
}

# (a) Hillstrom
hillstrom=${HILLSTROM_CSV:-../shared/data/hillstrom/hillstrom.csv}
if [ -f "$hillstrom" ]; then
  $py bench/uplift/hillstrom.py "$hillstrom" "$out/hillstrom.csv"
  compare hillstrom "$out/hillstrom.csv" email visit id
else
  echo "== hillstrom: SKIPPED, no $hillstrom (set HILLSTROM_CSV to the published MineThatData CSV; see bench/findings/2026-12-04-issue13-uplift.md for where a copy was found)"
fi

# (b) the synthetic insurer's pilot
campaign=${UPLIFT_CAMPAIGN:-1}
if [ -n "${UPLIFT_TRAIN:-}" ]; then
  [ -f "${UPLIFT_TRUTH:-}" ] || { echo "UPLIFT_TRAIN needs UPLIFT_TRUTH=NAME.campaigns.csv (the generator's truth)" >&2; exit 1; }
  train=$UPLIFT_TRAIN truth=$UPLIFT_TRUTH label="synthetic"
else
  n=${SYNTHETIC_CUSTOMERS:-100000}
  db=$out/synthetic-$n.db
  export Database__Provider=Sqlite ConnectionStrings__Crm="Data Source=$PWD/$db" Security__Protection__KeyFile="$PWD/$out/keys.json" INSURECRM_USER=bench
  truth=$out/synthetic-$n.truth.campaigns.csv
  train=$out/synthetic-$n.uplift.csv label=""
  if cli campaign --help | grep 'learn-uplift' >/dev/null; then
    label="synthetic"
  elif [ "${UPLIFT_STANDIN:-0}" = 1 ]; then
    label="synthetic-standin"
  else
    echo "== synthetic: SKIPPED, this build has no \`insurecrm campaign learn-uplift ID --export FILE.csv\` yet (run again when it has, give" \
      "UPLIFT_TRAIN=FILE.csv UPLIFT_TRUTH=NAME.campaigns.csv, or UPLIFT_STANDIN=1 for the stand-in training set of bench/uplift/standin.py)"
  fi
  if [ -n "$label" ]; then
    if [ ! -f "$db" ] || [ ! -f "$truth" ]; then
      rm -f "$db" "$db-wal" "$db-shm" "${db%.db}".access-log.db "${db%.db}".access-log.db-wal "${db%.db}".access-log.db-shm # the access log has a file of its own (docs/operations.md)
      cli users add bench --role Admin >/dev/null
      echo "[bench] generating $n customers (seed 20240901, as of 2025-06-30) into $db"
      cli generate --customers "$n" --seed 20240901 --as-of 2025-06-30 --truth "$out/synthetic-$n.truth.csv" >/dev/null
    fi
    cli users add bench-marketer --role Marketer >/dev/null 2>&1 || true
    cli campaign attribute "$campaign" --as bench-marketer >/dev/null
    if [ "$label" = synthetic ]; then
      cli campaign learn-uplift "$campaign" --export "$train" --as bench-marketer | sed "s/^/[bench] /"
    else
      starts=$($py -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select starts_on from campaign where id = ?", (int(sys.argv[2]),)).fetchone()[0])' "$db" "$campaign")
      cutoff=$(date -d "$starts - 1 day" +%F)
      cli model export purchase-health --cutoff "$cutoff" --out "$out/synthetic-$n.features.csv" >/dev/null
      echo "[bench] stand-in for learn-uplift: features of model export purchase-health as of $cutoff (the pilot starts $starts)"
      $py bench/uplift/standin.py "$db" "$campaign" "$out/synthetic-$n.features.csv" "$train" | sed 's/^/[bench] /'
      # The same rows with the member's planned channel as one more feature: whether the pilot could reach them at all.
      $py bench/uplift/standin.py "$db" "$campaign" "$out/synthetic-$n.features.csv" "$out/synthetic-$n.uplift-channel.csv" --planned-channel >/dev/null
    fi
  fi
fi
if [ -n "$label" ]; then
  reach=${UPLIFT_REACH-plannedContact}
  if [ -n "$reach" ] && ! head -1 "$train" | tr -d '\r' | tr ',' '\n' | grep -qx "$reach"; then
    echo "== $label: the training set has no $reach column; learning without a reach column"; reach=""
  fi
  compare "$label" "$train" "${UPLIFT_TREATMENT:-treated}" "${UPLIFT_TARGET:-responded}" "${UPLIFT_ID:-customer_id}" "$truth" "$campaign" "$reach"
fi
if [ "$label" = synthetic-standin ]; then
  compare synthetic-standin+channel "$out/synthetic-$n.uplift-channel.csv" treated responded customer_id "$truth" "$campaign"
fi

echo "== table (Qini on the held-out rows by bench/uplift/qini.py; seconds: ours = wall time of the train and score CLI processes," \
  "scikit-learn = fit and score in-process; seconds_1thread: the same held to one thread); load average at the end $(load)"
column -t -s $'\t' "$table"
