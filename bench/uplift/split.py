#!/usr/bin/python3
"""Seeded, stratified train/test split for bench/uplift.sh: the data rows are grouped by treatment × outcome (four
groups); within each group a random.Random(seed) shuffle holds out round(share × group size) rows for the test file.
Both files keep the header and the input's row order, so ours and scikit-learn read exactly the same rows.

usage: split.py INPUT.csv TREATMENT TARGET SHARE SEED TRAIN.csv TEST.csv
"""
import csv
import random
import sys

TRUE = {"1", "true", "True", "TRUE", "yes", "Yes"}


def main():
    src, treatment, target, share, seed, train_path, test_path = sys.argv[1:8]
    share, seed = float(share), int(seed)
    with open(src, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header, data = rows[0], rows[1:]
    t, y = header.index(treatment), header.index(target)
    groups = {}
    for i, r in enumerate(data):
        groups.setdefault((r[t] in TRUE, r[y] in TRUE), []).append(i)
    rng = random.Random(seed)
    held = set()
    for key in sorted(groups):
        members = groups[key]
        rng.shuffle(members)
        held.update(members[:round(share * len(members))])
    with open(train_path, "w", encoding="utf-8", newline="") as tr, open(test_path, "w", encoding="utf-8", newline="") as te:
        wtr, wte = csv.writer(tr, lineterminator="\n"), csv.writer(te, lineterminator="\n")
        wtr.writerow(header)
        wte.writerow(header)
        for i, r in enumerate(data):
            (wte if i in held else wtr).writerow(r)


if __name__ == "__main__":
    main()
