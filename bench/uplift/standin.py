#!/usr/bin/python3
"""A stand-in for `insurecrm campaign learn-uplift ID --export FILE.csv` while that command does not exist
(bench/uplift.sh uses it only with UPLIFT_STANDIN=1, and says so): the pilot's members in Test and Control (excluded
members left out) from campaign_member, treated = arm Test (intention to treat), responded = a campaign_response row
of the campaign (run `campaign attribute ID` first), and the features of a point-in-time training set that
`insurecrm model export MODEL --cutoff (the day before the pilot starts)` wrote (its label column dropped).
Members without a row in the export are left out and counted.

With --planned-channel the member's planned channel (campaign_member.planned_channel: the first of the campaign's
channels that could reach the customer at the split, the same for both arms; "none" when none could) is added as a
categorical feature. It is known before anything is sent, for Test and Control alike, so it is a fair feature.

usage: standin.py DATABASE.db CAMPAIGN_ID EXPORT.csv OUT.csv [--planned-channel]
"""
import csv
import sqlite3
import sys

db_path, campaign, export_path, out_path = sys.argv[1:5]
with_channel = "--planned-channel" in sys.argv[5:]
db = sqlite3.connect(db_path)
members, channel = {}, {}
for c, arm, planned in db.execute(
        "select customer_id, arm, planned_channel from campaign_member"
        " where campaign_id = ? and exclusion is null and arm in ('Test', 'Control')", (int(campaign),)):
    members[c], channel[c] = arm, planned or "none"
responded = {c for (c,) in db.execute("select distinct customer_id from campaign_response where campaign_id = ?", (int(campaign),))}
written = 0
with open(export_path, encoding="utf-8-sig", newline="") as f, open(out_path, "w", encoding="utf-8", newline="") as out:
    reader = csv.reader(f)
    header = next(reader)
    keep = [i for i, name in enumerate(header) if name != "label"]
    w = csv.writer(out, lineterminator="\n")
    w.writerow([header[i] for i in keep] + (["planned_channel"] if with_channel else []) + ["treated", "responded"])
    for r in reader:
        c = int(r[0])
        if c in members:
            w.writerow([r[i] for i in keep] + ([channel[c]] if with_channel else [])
                       + [1 if members[c] == "Test" else 0, 1 if c in responded else 0])
            written += 1
print(f"stand-in: {written:,} of {len(members):,} pilot members (Test and Control) have a row in the export; "
      f"{len(responded):,} responders")
