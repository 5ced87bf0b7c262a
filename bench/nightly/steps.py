#!/usr/bin/env python3
"""Runs `insurecrm nightly run ...` and measures each step from outside: wall time (the CLI's own figure), CPU seconds
of the CLI process and of the PostgreSQL backends of the database (utime+stime from /proc, sampled every 0.2 s and
split at the step lines the CLI prints as each step completes), and the CLI's peak RSS over the step. Prints one line
per step against its budget and flags a step over budget; exit 3 when one is.

  steps.py DB BUDGETS LOG -- COMMAND...     (BUDGETS: value=60,lifecycle=20,...; DB: the PostgreSQL database, or - for SQLite)
"""
import os, re, subprocess, sys, threading, time
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from procstat import backend_pids, cpu_seconds, rss_mb  # noqa: E402

db, budgets_arg, log_path = sys.argv[1], sys.argv[2], sys.argv[3]
command = sys.argv[sys.argv.index("--") + 1:]
budgets = {k: float(v) for k, v in (b.split("=") for b in budgets_arg.split(",") if b)}
step_line = re.compile(r"^(\S+) \((\d+(?:\.\d+)?) s")


def backends():
    """PIDs of the PostgreSQL backends connected to the database; none for SQLite."""
    return [] if db == "-" else backend_pids(db)


seen = {}  # backend pid -> last CPU seconds seen (a backend that exits keeps its last figure)
baseline = {pid: cpu_seconds(pid) or 0.0 for pid in backends()}


def pg_total():
    for pid in backends():
        c = cpu_seconds(pid)
        if c is not None:
            seen[pid] = c
    return sum(c - baseline.get(pid, 0.0) for pid, c in seen.items())


events = []  # (step, wall) as the CLI prints them
lock = threading.Lock()
log = open(log_path, "w")
proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, bufsize=1)


def read():
    for line in proc.stdout:
        log.write(line)
        log.flush()
        sys.stdout.write("  | " + line)
        sys.stdout.flush()
        m = step_line.match(line)
        if m:
            with lock:
                events.append((m.group(1), float(m.group(2))))


reader = threading.Thread(target=read, daemon=True)
reader.start()
rows = []
cli_mark, pg_mark, peak, handled = 0.0, pg_total(), 0.0, 0
cli_last = 0.0
while True:
    done = proc.poll() is not None
    c = cpu_seconds(proc.pid)
    if c is not None:
        cli_last = c
    peak = max(peak, rss_mb(proc.pid))
    pg_now = pg_total()
    with lock:
        new = events[handled:]
        handled = len(events)
    for step, wall in new:
        # All steps that completed since the last sample share it; the first takes the CPU, the rest show 0.
        rows.append((step, wall, cli_last - cli_mark, pg_now - pg_mark, peak))
        cli_mark, pg_mark, peak = cli_last, pg_now, 0.0
    if done:
        break
    time.sleep(0.2)
reader.join(timeout=5)
code = proc.wait()

over = []
print(f"{'step':<12}{'wall s':>9}{'budget s':>10}{'CLI CPU s':>11}{'PG CPU s':>10}{'peak RSS MB':>13}")
for step, wall, cli, pg, rss in rows:
    budget = budgets.get(step)
    flag = "" if budget is None else ("  OVER BUDGET" if wall > budget else "  ok")
    if budget is None:
        flag = "  (no budget: add one to the table in bench/nightly.sh)"
    elif wall > budget:
        over.append(step)
    print(f"{step:<12}{wall:>9.1f}{budget if budget is not None else float('nan'):>10.0f}{cli:>11.1f}{pg:>10.1f}{rss:>13.0f}{flag}")
total = sum(r[1] for r in rows)
print(f"{'chain':<12}{total:>9.1f}{'':>10}{sum(r[2] for r in rows):>11.1f}{sum(r[3] for r in rows):>10.1f}")
if code != 0:
    print(f"[bench] the chain exited {code}")
    sys.exit(code)
if over:
    print(f"[bench] OVER BUDGET: {', '.join(over)}")
    sys.exit(3)
