"""The machine's own speed, read by timing a fixed single-thread loop in CPU time (lower is faster).

  python3 bench/machine_speed.py idle            # one reading on the idle machine: median of five loops, ms
  python3 bench/machine_speed.py watch FILE      # while a measured run goes on: a short loop every half second,
                                                 # "epoch-seconds ms" per line, until killed
  python3 bench/machine_speed.py summary FILE    # what the watch saw: median and slowest quarter of its loops

CPU time is not lengthened by waiting for a core, only by the core running slower: the VM's CPU itself (on the
2-core VM the idle loop took 314 to 522 ms within three minutes), or the other virtual core's load on a shared
physical core. During a run the loop is therefore slower than on the idle machine (the run's own load), and two
runs of the same page load the machine alike: when their loops differ, the machine moved under them.
"""
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


def watch(path):
    # About 10 ms of one core every half second: 2 % of a core, the same in every run it watches. Ends with the script
    # that started it, should that script stop without ending it.
    parent = os.getppid()
    with open(path, "w") as f:
        while os.getppid() == parent:
            f.write(f"{time.time():.2f} {loop_ms(100_000):.2f}\n")
            f.flush()
            time.sleep(0.5)


def loops(path):
    """The loop times (ms) a watch wrote to its file."""
    return [float(line.split()[1]) for line in open(path) if len(line.split()) == 2]


def slowest_quarter(xs):
    """Where the slowest quarter of the loops starts (the upper quartile), ms; None below four loops."""
    return statistics.quantiles(xs, n=4)[2] if len(xs) >= 4 else None


def summary(path):
    xs = loops(path)
    if slowest_quarter(xs) is None:
        print(f"{len(xs)} loops only")
        return
    print(f"median {statistics.median(xs):.2f} ms, slowest quarter from {slowest_quarter(xs):.2f} ms ({len(xs)} loops)")


if __name__ == "__main__":
    {"idle": idle, "watch": lambda: watch(sys.argv[2]), "summary": lambda: summary(sys.argv[2])}[sys.argv[1]]()
