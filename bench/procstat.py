"""What the bench's measuring scripts read of a process from /proc: its CPU seconds (utime + stime) and its resident memory."""
import os

tick = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    except (OSError, IndexError, ValueError):
        return None


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def backend_pids(db):
    """PIDs of the PostgreSQL backends connected to the database db (their process title names it)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                title = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {db} " in title:
            found.append(int(entry))
    return found


def backend_cpu(db):
    """{pid: CPU seconds} of the PostgreSQL backends of the database db (those that exit while read are left out)."""
    found = {}
    for pid in backend_pids(db):
        c = cpu_seconds(pid)
        if c is not None:
            found[pid] = c
    return found
