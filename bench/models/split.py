#!/usr/bin/python3
"""Deterministic 80/20 split for bench/models.sh: every fifth data row (rows 5, 10, ...) goes to the test
file, the rest to the training file; the header is kept in both.

usage: split.py INPUT.csv TRAIN.csv TEST.csv
"""
import sys

src, train_path, test_path = sys.argv[1:4]
with open(src, encoding="utf-8-sig", newline="") as f, open(train_path, "w", encoding="utf-8", newline="") as tr, \
        open(test_path, "w", encoding="utf-8", newline="") as te:
    header = f.readline()
    tr.write(header)
    te.write(header)
    for n, line in enumerate(f, start=1):
        (te if n % 5 == 0 else tr).write(line)
