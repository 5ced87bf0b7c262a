#!/usr/bin/env python3
"""Runs a command and reports its CPU seconds next to those of the PostgreSQL backends serving one database.

    python3 bench/import/cpu.py DATABASE -- COMMAND [ARGS...]

The machine the benchmarks run on is shared, so wall time alone is noisy: CPU seconds are the yardstick.
Prints one line to standard error after the command ends:
    cpu: wall W s, command U+S s, peak RSS M MB, postgres backends of DATABASE B s (N backends), rows/s R
The command's CPU comes from wait4 (children included); the backends' from /proc/<pid>/stat, polled every
0.1 s (a backend that exits between two polls loses at most its last 0.1 s). Autovacuum workers and the
shared checkpointer/WAL writer are not counted. ROWS in the environment adds rows/s over wall time.
"""
import os
import resource
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def backends(db):
    found = {}
    needle = f" {db} ".encode()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read()
            if not cmd.startswith(b"postgres:") or needle not in cmd:
                continue
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            found[int(pid)] = (int(fields[11]) + int(fields[12])) / TICK
        except OSError:
            continue
    return found


def main():
    db = sys.argv[1]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    seen = {}
    start = time.monotonic()
    proc = subprocess.Popen(cmd)
    while proc.poll() is None:
        seen.update(backends(db))
        time.sleep(0.1)
    wall = time.monotonic() - start
    seen.update(backends(db))
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    rows = os.environ.get("ROWS")
    rate = f", rows/s {int(rows) / wall:,.0f}" if rows else ""
    print(f"cpu: wall {wall:.1f} s, command {usage.ru_utime:.1f}+{usage.ru_stime:.1f} s, peak RSS {usage.ru_maxrss // 1024} MB, "
          f"postgres backends of {db} {sum(seen.values()):.1f} s ({len(seen)} backends){rate}", file=sys.stderr)
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
