#!/usr/bin/env python3
"""cpuwrap.py WEB_PID DBNAME OUTFILE -- cmd...: runs cmd (wrk), sampling every 0.2 s the utime+stime of the web
process and of every PostgreSQL backend of DBNAME; writes 'web_ms pg_ms cmd_ms' (CPU spent during cmd; cmd_ms is the
command's own CPU, i.e. wrk's) to OUTFILE. Backends that appear during the run count from 0; those that exit lose at
most one interval."""
import os, resource, subprocess, sys, time
web, db, outfile = int(sys.argv[1]), sys.argv[2], sys.argv[3]
cmd = sys.argv[sys.argv.index('--') + 1:]
hz = os.sysconf('SC_CLK_TCK')
def ticks(pid):
    try:
        f = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
        return int(f[11]) + int(f[12])
    except OSError:
        return None
def backends():
    out = {}
    for p in os.listdir('/proc'):
        if p.isdigit():
            try:
                c = open(f'/proc/{p}/cmdline', 'rb').read()
            except OSError:
                continue
            if c.startswith(b'postgres: ') and (b' ' + db.encode() + b' ') in c:
                t = ticks(p)
                if t is not None:
                    out[int(p)] = t
    return out
first = backends(); last = dict(first); w0 = ticks(web)
r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
proc = subprocess.Popen(cmd)
while proc.poll() is None:
    time.sleep(0.2)
    for p, t in backends().items():
        first.setdefault(p, 0)
        last[p] = t
w1 = ticks(web)
for p, t in backends().items():
    first.setdefault(p, 0); last[p] = t
r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
pg = sum(last[p] - first[p] for p in last)
child = (r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) * 1000
open(outfile, 'w').write('%d %d %d\n' % ((w1 - w0) * 1000 // hz, pg * 1000 // hz, child))
sys.exit(proc.returncode)
