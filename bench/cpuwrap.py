#!/usr/bin/env python3
"""bench/cpuwrap.py WEB_PID DBNAME OUTFILE -- cmd...: runs cmd (wrk), sampling every 0.2 s the utime+stime of the web
process and of every PostgreSQL backend of DBNAME; writes 'web_ms pg_ms cmd_ms jit_ms' (CPU spent during cmd; cmd_ms is
the command's own CPU, i.e. wrk's; jit_ms the part of web_ms spent by the runtime's tiered-compilation thread, which
keeps recompiling hot methods for minutes when the machine is loaded) to OUTFILE. Backends that appear during the run count from 0; those that exit lose at
most one interval."""
import os, resource, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from procstat import backend_cpu, cpu_seconds  # noqa: E402
web, db, outfile = int(sys.argv[1]), sys.argv[2], sys.argv[3]
cmd = sys.argv[sys.argv.index('--') + 1:]
def jit_threads():  # tid -> CPU seconds of the runtime's tiered-compilation threads (one at a time; it exits when idle)
    out = {}
    for t in os.listdir(f'/proc/{web}/task'):
        try:
            if open(f'/proc/{web}/task/{t}/comm').read().startswith('.NET Tiered'):
                out[t] = cpu_seconds(f'{web}/task/{t}') or 0
        except OSError:
            pass
    return out
first = backend_cpu(db); last = dict(first); w0 = cpu_seconds(web)
jfirst = jit_threads(); jlast = dict(jfirst)
r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
proc = subprocess.Popen(cmd)
while proc.poll() is None:
    time.sleep(0.2)
    for p, t in backend_cpu(db).items():
        first.setdefault(p, 0)
        last[p] = t
    for p, t in jit_threads().items():
        jfirst.setdefault(p, 0)
        jlast[p] = t
w1 = cpu_seconds(web)
for p, t in backend_cpu(db).items():
    first.setdefault(p, 0); last[p] = t
r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
pg = sum(last[p] - first[p] for p in last)
child = (r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) * 1000
open(outfile, 'w').write('%d %d %d %d\n' % ((w1 - w0) * 1000, pg * 1000, child, sum(jlast[t] - jfirst[t] for t in jlast) * 1000))
sys.exit(proc.returncode)
