#!/usr/bin/python3
"""The synthetic insurer's check in bench/uplift.sh: on the held-out rows, the incremental responses that targeting the
top 30 % by predicted uplift would bring, counted with the TRUE uplift the generator planted (the sum of true_uplift of
the chosen customers), against the truth's own top 30 % (the sum of the 30 % largest true_uplift among the same rows)
and against targeting at random (30 % of the sum over all rows). The top 30 % is the round(0.3 × rows) rows with
the highest predicted uplift, ties in row order (UpliftMetrics.AtTop cuts the same way).

usage: top30.py TEST.csv ID TRUTH.campaigns.csv CAMPAIGN_ID SCORES.csv [SCORES.csv ...]
Prints one line per score file: PATH chosen=… best=… random=… ratio=… (ratio = chosen / best), then the same for
two rankings made from the truth itself, as yardsticks: truth-if-reached ranks by p_treated − p_control (every
customer's effect known exactly, but not whether the campaign could reach them), truth-reachable-only by the
reachable flag alone (reachable customers first, in row order).
"""
import csv
import sys

SHARE = 0.3


def main():
    test, id_col, truth_path, campaign = sys.argv[1:5]
    with open(test, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        i = next(reader).index(id_col)
        ids = [r[i] for r in reader]
    true, if_reached, reachable = {}, {}, {}
    with open(truth_path, encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            if r["campaign_id"] == campaign:
                true[r["customer_id"]] = float(r["true_uplift"])
                if_reached[r["customer_id"]] = float(r["p_treated"]) - float(r["p_control"])
                reachable[r["customer_id"]] = float(r["reachable"])
    missing = [c for c in ids if c not in true]
    if missing:
        sys.exit(f"{len(missing)} held-out customers have no row of campaign {campaign} in {truth_path} (first: {missing[0]})")
    effect = [true[c] for c in ids]
    k = int(SHARE * len(ids) + 0.5)
    best = sum(sorted(effect, reverse=True)[:k])
    random = SHARE * sum(effect)
    def report(label, score):
        order = sorted(range(len(ids)), key=lambda j: (-score[j], j))
        chosen = sum(effect[j] for j in order[:k])
        print(f"{label} chosen={chosen:.2f} best={best:.2f} random={random:.2f} ratio={chosen / best:.3f} rows={k}")

    for path in sys.argv[5:]:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            next(reader)
            scores = [(r[0], float(r[-1])) for r in reader]
        if [s[0] for s in scores] != ids:
            sys.exit(f"{path}: its ids are not the held-out rows in order")
        report(path, [s[1] for s in scores])
    report("truth-if-reached", [if_reached[c] for c in ids])
    report("truth-reachable-only", [reachable[c] for c in ids])


if __name__ == "__main__":
    main()
