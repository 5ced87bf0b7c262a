"""The machine's own speed, read by timing a fixed single-thread loop in CPU time (lower is faster).

  python3 bench/machine_speed.py idle            # one reading on the idle machine: median of five loops, ms
  python3 bench/machine_speed.py watch FILE      # while a measured run goes on: a short loop and a memory walk every
                                                 # half second, "epoch-seconds loop-ms walk-ns" per line, until killed
  python3 bench/machine_speed.py summary FILE    # what the watch saw: median and slowest quarter of its loops, and of
                                                 # its memory walks

CPU time is not lengthened by waiting for a core, only by the core running slower: the VM's CPU itself (on the
2-core VM the idle loop took 314 to 522 ms within three minutes), or the other virtual core's load on a shared
physical core. During a run the loop is therefore slower than on the idle machine (the run's own load), and two
runs of the same page load the machine alike: when their loops differ, the machine moved under them.

The loop runs in the core's first-level cache, so it cannot see the memory system: the shared last-level cache and
memory of the physical host, and the page walks of a virtual machine. The web host and PostgreSQL spend much of their
time there. The watch therefore also times a memory walk: each step reads the entry of a 32 MB table that the previous
step named, in an order no prefetcher follows, so a step costs one trip to memory (nanoseconds a step in CPU time,
lower is faster). On the 2-core VM of 2026-12-07 the customer view's rate over 5-second slices followed the walk
(correlation -0.86) while the loop stayed within 2 % (bench/findings/2026-12-07-issue11-round20.md).
"""
import array
import os
import statistics
import sys
import time


def loop_ms(steps):
    start = time.thread_time()
    s = 0
    for k in range(steps):
        s += k * k % 7
    return 1000 * (time.thread_time() - start)


def idle():
    print(f"{statistics.median(loop_ms(400_000) for _ in range(5)):.1f}")


WALK_ENTRIES = 1 << 23  # 32 MB of 4-byte entries: larger than a last-level cache


def walk_table():
    """Entry i names entry i * P mod 2**23 (P odd): a chain that jumps across the whole table, built in under a second."""
    step = 2_654_435_761 % WALK_ENTRIES | 1
    return array.array("I", ((i * step) & (WALK_ENTRIES - 1) for i in range(WALK_ENTRIES)))


def walk_ns(table, steps):
    x = 1
    start = time.thread_time()
    for _ in range(steps):
        x = table[x]
    return 1e9 * (time.thread_time() - start) / steps


def watch(path):
    # About 15 ms of one core every half second (the loop about 5 ms, the walk about 10): 3 % of a core, the same in
    # every run it watches. The first line is written once the table is built (bench_watch_start waits for it). Ends
    # with the script that started it, should that script stop without ending it.
    parent = os.getppid()
    table = walk_table()
    with open(path, "w") as f:
        while os.getppid() == parent:
            f.write(f"{time.time():.2f} {loop_ms(100_000):.2f} {walk_ns(table, 50_000):.1f}\n")
            f.flush()
            time.sleep(0.5)


def loops(path):
    """The loop times (ms) a watch wrote to its file."""
    return [float(line.split()[1]) for line in open(path) if len(line.split()) in (2, 3)]


def walks(path):
    """The memory walk's nanoseconds a step that a watch wrote to its file (none in files from before the walk)."""
    return [float(line.split()[2]) for line in open(path) if len(line.split()) == 3]


def slowest_quarter(xs):
    """Where the slowest quarter of the loops starts (the upper quartile), ms; None below four loops."""
    return statistics.quantiles(xs, n=4)[2] if len(xs) >= 4 else None


def summary(path):
    xs = loops(path)
    if slowest_quarter(xs) is None:
        print(f"{len(xs)} loops only")
        return
    ws = walks(path)
    walk = f"; memory walk median {statistics.median(ws):.0f} ns a step, slowest quarter from {slowest_quarter(ws):.0f} ns" if len(ws) >= 4 else ""
    print(f"median {statistics.median(xs):.2f} ms, slowest quarter from {slowest_quarter(xs):.2f} ms ({len(xs)} loops){walk}")


if __name__ == "__main__":
    {"idle": idle, "watch": lambda: watch(sys.argv[2]), "summary": lambda: summary(sys.argv[2])}[sys.argv[1]]()
