#!/usr/bin/python3
"""The common evaluator of bench/uplift.sh: the Qini coefficient of a score file on the test file, with the definition
of src/InsureCrm.Analytics/Uplift/UpliftMetrics.cs (and scikit-uplift's qini_auc_score): rows ranked by predicted
uplift, highest first, rows of equal prediction as one block; the curve Y_T(k) − Y_C(k)·N_T(k)/N_C(k) after each block;
the coefficient (A_model − A_random) / (A_perfect − A_random), areas by trapezoids over the share targeted, the
perfect ranking treated responders first, control responders last, the rest between in one block.

usage: qini.py TEST.csv TREATMENT TARGET SCORES.csv [SCORES.csv ...]
A score file has the test file's rows in the same order, its last column the predicted uplift (as `model score`
writes it: id or row, uplift). Prints one line per score file: PATH qini=0.1234
"""
import csv
import sys

TRUE = {"1", "true", "True", "TRUE", "yes", "Yes"}


def read_arms(path, treatment, target):
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        t, y = header.index(treatment), header.index(target)
        rows = [(r[t] in TRUE, r[y] in TRUE) for r in reader]
    return [a for a, _ in rows], [b for _, b in rows]


def read_scores(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        return [float(r[-1]) for r in reader]


def curve(uplift, treated, labels):
    n = len(uplift)
    order = sorted(range(n), key=lambda i: (-uplift[i], i))
    points = [(0.0, 0.0)]
    nt = yt = nc = yc = 0
    for k, r in enumerate(order):
        if treated[r]:
            nt += 1
            yt += labels[r]
        else:
            nc += 1
            yc += labels[r]
        if k + 1 < n and uplift[order[k + 1]] == uplift[r]:
            continue
        points.append(((k + 1) / n, yt - (yc * nt / nc if nc else 0.0)))
    return points


def area(points):
    return sum((x1 - x0) * (y1 + y0) / 2 for (x0, y0), (x1, y1) in zip(points, points[1:]))


def qini(uplift, treated, labels):
    nt = sum(treated)
    nc = len(treated) - nt
    yt = sum(1 for a, b in zip(treated, labels) if a and b)
    yc = sum(1 for a, b in zip(treated, labels) if not a and b)
    random_area = area([(0.0, 0.0), (1.0, yt - yc * nt / nc)])
    ideal = [0.0 if not b else (1.0 if a else -1.0) for a, b in zip(treated, labels)]
    perfect = area(curve(ideal, treated, labels))
    model = area(curve(uplift, treated, labels))
    return float("nan") if perfect == random_area else (model - random_area) / (perfect - random_area)


def main():
    test, treatment, target = sys.argv[1:4]
    treated, labels = read_arms(test, treatment, target)
    for path in sys.argv[4:]:
        uplift = read_scores(path)
        if len(uplift) != len(treated):
            sys.exit(f"{path}: {len(uplift)} scores for {len(treated)} test rows")
        print(f"{path} qini={qini(uplift, treated, labels):.6f}")


if __name__ == "__main__":
    main()
