#!/usr/bin/env python3
"""Runs one CLI command and measures it from outside: wall seconds, CPU seconds (utime+stime from /proc, sampled every
0.2 s) of the CLI process and of the PostgreSQL backends of the database, the CLI's peak RSS, and the load average
before and after. Passes the command's output through (indented) and writes it to LOG; the last line printed is

  measured: wall W s, CLI CPU C s, PG CPU P s, peak RSS R MB, load L0 -> L1

  measure.py DB LOG -- COMMAND...
"""
import os, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from procstat import backend_cpu, cpu_seconds, rss_mb  # noqa: E402

db, log_path = sys.argv[1], sys.argv[2]
command = sys.argv[sys.argv.index("--") + 1:]


def load():
    return open("/proc/loadavg").read().split()[0]


load0 = load()
baseline = backend_cpu(db)
seen = dict(baseline)
t0 = time.monotonic()
with open(log_path, "w") as log:
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    cli, peak = 0.0, 0.0
    while True:
        done = proc.poll() is not None
        c = cpu_seconds(proc.pid)
        if c is not None:
            cli = c
        peak = max(peak, rss_mb(proc.pid))
        for pid, c in backend_cpu(db).items():
            seen[pid] = c
        if done:
            break
        time.sleep(0.2)
wall = time.monotonic() - t0
pg = sum(c - baseline.get(pid, 0.0) for pid, c in seen.items())
for line in open(log_path):
    sys.stdout.write("  | " + line)
print(f"measured: wall {wall:.1f} s, CLI CPU {cli:.1f} s, PG CPU {pg:.1f} s, peak RSS {peak:.0f} MB, load {load0} -> {load()}")
sys.exit(proc.returncode)
