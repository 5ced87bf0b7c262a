#!/usr/bin/env python3
"""Writes a synthetic customers CSV for `insurecrm import customers` (docs/imports.md columns).

usage: make-customers-csv.py ROWS OUT.csv [--duplicates 0.03] [--seed 1] [--encoding utf-8|cp949]

Names are Hangul, RRNs valid (check digit), phones in mixed formats; a share of rows repeat an
earlier person under a new source id (same RRN) so that identity resolution has work to do.
"""
import argparse, random, datetime

FAMILY = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = ["민준", "서연", "도윤", "지우", "하준", "서윤", "시우", "하은", "지호", "수아", "예준", "지민", "주원", "채원"]
SIDO = [("서울특별시", "강남구"), ("부산광역시", "해운대구"), ("경기도", "수원시"), ("인천광역시", "남동구"), ("대구광역시", "수성구")]
INCOME = ["Under2000", "From2000To4000", "From4000To6000", "From6000To8000", "From8000To12000", "Over12000"]
MARITAL = ["NeverMarried", "Married", "Divorced", "Widowed"]
CHANNEL = ["Visit", "Phone", "Sms", "Email", "Dm"]
WEIGHTS = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]


def rrn(birth, male, serial):
    g = (3 if birth.year >= 2000 else 1) + (0 if male else 1)
    first = f"{birth:%y%m%d}{g}{serial % 100000:05d}"
    check = (11 - sum(int(d) * w for d, w in zip(first, WEIGHTS)) % 11) % 10
    return f"{first[:6]}-{first[6:]}{check}"


def person(seed, i):
    r = random.Random(seed * 1_000_003 + i)
    birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=r.randrange(365 * 62))
    male = r.random() < 0.5
    sido, sigungu = r.choice(SIDO)
    phone = f"010-{r.randrange(1000, 10000)}-{i % 10000:04d}" if r.random() < 0.5 else f"010{r.randrange(1000, 10000)}{i % 10000:04d}"
    return [r.choice(FAMILY) + r.choice(GIVEN), birth.isoformat(), "Male" if male else "Female", rrn(birth, male, i), phone,
            f"user{i}@example.com", sido, sigungu, f"{r.randrange(1, 999)}번길 {r.randrange(1, 99)}", "office worker",
            r.choice(INCOME), r.choice(MARITAL), str(r.randrange(0, 4)), r.choice(CHANNEL)]


def main():
    a = argparse.ArgumentParser()
    a.add_argument("rows", type=int)
    a.add_argument("out")
    a.add_argument("--duplicates", type=float, default=0.03)
    a.add_argument("--seed", type=int, default=1)
    a.add_argument("--encoding", default="utf-8")
    args = a.parse_args()
    r = random.Random(args.seed)
    with open(args.out, "w", encoding=args.encoding, newline="") as f:
        f.write("source_id,kind,name,birth_date,gender,rrn,phone,email,sido,sigungu,address,occupation,income_band,marital_status,children,preferred_channel\n")
        for i in range(1, args.rows + 1):
            who = r.randrange(1, i) if i > 1 and r.random() < args.duplicates else i
            p = person(args.seed, who)
            f.write(f"S{i:09d},Individual," + ",".join(p) + "\n")


if __name__ == "__main__":
    main()
