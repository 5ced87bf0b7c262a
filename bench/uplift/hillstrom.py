#!/usr/bin/python3
"""Prepares the Hillstrom MineThatData e-mail test (64,000 customers, randomised: a third Mens E-Mail, a third
Womens E-Mail, a third No E-Mail) for bench/uplift.sh: adds an id, the treatment `email` (1 = either e-mail, 0 =
"No E-Mail") and keeps the outcome `visit` (visited the site in the two weeks after); drops `segment`, `conversion`
and `spend` (outcomes or the arm itself). The features are the rest: recency, history_segment, history, mens, womens,
zip_code, newbie, channel.

usage: hillstrom.py INPUT.csv OUTPUT.csv
"""
import csv
import sys

src, dst = sys.argv[1:3]
with open(src, encoding="utf-8-sig", newline="") as f, open(dst, "w", encoding="utf-8", newline="") as out:
    reader = csv.DictReader(f)
    features = ["recency", "history_segment", "history", "mens", "womens", "zip_code", "newbie", "channel"]
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["id", *features, "email", "visit"])
    for n, r in enumerate(reader, start=1):
        w.writerow([n, *(r[c] for c in features), 0 if r["segment"] == "No E-Mail" else 1, r["visit"]])
