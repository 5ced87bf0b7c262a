#!/usr/bin/python3
"""Prepares the Hillstrom MineThatData e-mail test (64,000 customers, randomised: a third Mens E-Mail, a third
Womens E-Mail, a third No E-Mail) for bench/uplift.sh: adds an id, the treatment `email` (1 = either e-mail, 0 =
"No E-Mail") and keeps the outcome `visit` (visited the site in the two weeks after); drops `segment`, `conversion`
and `spend` (outcomes or the arm itself). The features are the rest: recency, history_segment, history, mens, womens,
zip_code, newbie, channel.

usage: hillstrom.py INPUT.csv OUTPUT.csv
Prints whether INPUT is the published file (its SHA-256, or that of INPUT with the final line break a copy may lack).
"""
import csv
import hashlib
import sys

# SHA-256 of Kevin_Hillstrom_MineThatData_E-MailAnalytics_DataMiningChallenge_2008.03.20.csv as published (3,964,977 bytes).
PUBLISHED = "0e5893329d8b93cefecc571777672028290ab69865718020c78c7284f291aece"

src, dst = sys.argv[1:3]
raw = open(src, "rb").read()
same = PUBLISHED in (hashlib.sha256(raw).hexdigest(), hashlib.sha256(raw + b"\r\n").hexdigest())
print(f"[bench] {src}: {len(raw):,} bytes, " + ("the published file" + ("" if len(raw) == 3964977 else " but for its final line break")
      if same else "NOT byte-identical to the published file (SHA-256 differs); measuring it anyway"))
with open(src, encoding="utf-8-sig", newline="") as f, open(dst, "w", encoding="utf-8", newline="") as out:
    reader = csv.DictReader(f)
    features = ["recency", "history_segment", "history", "mens", "womens", "zip_code", "newbie", "channel"]
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["id", *features, "email", "visit"])
    for n, r in enumerate(reader, start=1):
        w.writerow([n, *(r[c] for c in features), 0 if r["segment"] == "No E-Mail" else 1, r["visit"]])
