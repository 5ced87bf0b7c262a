"""Paired comparison of ours against scikit-learn over several splits of bench/uplift/seeds.sh (issue 13 round 3):
python3 bench/uplift/pairs.py SEEDS.log... -> per-approach paired Qini differences with a 95 % t-interval, and the top-30 % shares."""
import re, sys, math, collections
# reads seeds logs: lines "bench/out/uplift/seedN/<name>.csv qini=X" and "... chosen= best= ratio="
q = collections.defaultdict(dict); r = collections.defaultdict(dict)
for f in sys.argv[1:]:
    for line in open(f):
        m = re.match(r'bench/out/uplift/seed(\d+)/(\S+)\.csv qini=(\S+)', line)
        if m: q[int(m.group(1))][m.group(2)] = float(m.group(3))
        m = re.match(r'bench/out/uplift/seed(\d+)/(\S+)\.csv chosen=\S+ best=\S+ ratio=(\S+)', line)
        if m: r[int(m.group(1))][m.group(2)] = float(m.group(3))
seeds = sorted(s for s in q if len(q[s]) >= 11)
def best(d, side): return max(v for k, v in d.items() if k.startswith(side) and 'auto' not in k)
def stats(xs):
    n = len(xs); m = sum(xs)/n; sd = math.sqrt(sum((x-m)**2 for x in xs)/(n-1)); se = sd/math.sqrt(n)
    t = {9:2.262,10:2.228,11:2.201,12:2.179,13:2.160,14:2.145}.get(n-1, 2.0)
    return m, m - t*se, m + t*se
print('seeds', seeds)
rows = [('ours best - sklearn best', [best(q[s],'ours') - best(q[s],'sklearn') for s in seeds])]
for a in ['two-model-logistic','two-model-gbdt','class-transform-logistic','class-transform-gbdt']:
    rows.append((f'ours {a} - sklearn {a}', [q[s]['ours-'+a] - q[s]['sklearn-'+a] for s in seeds]))
rows.append(('ours auto - sklearn best', [q[s]['ours-auto-logistic'] - best(q[s],'sklearn') for s in seeds]))
for name, xs in rows:
    m, lo, hi = stats(xs); print(f'{name:45s} mean {m:+.4f}  95% CI [{lo:+.4f}, {hi:+.4f}]  wins {sum(x>=0 for x in xs)}/{len(xs)}')
print('per seed qini best: ' + '; '.join(f'{s}: ours {best(q[s],"ours"):.4f} sk {best(q[s],"sklearn"):.4f}' for s in seeds))
for a in ['ours-two-model-logistic','ours-two-model-gbdt','ours-uplift-forest','ours-auto-logistic','sklearn-two-model-gbdt','sklearn-two-model-logistic']:
    xs = [r[s][a] for s in seeds if a in r[s]]
    print(f'top30 {a:28s} mean {sum(xs)/len(xs)*100:5.1f} %  min {min(xs)*100:5.1f} %  meets(>=90%) {sum(x>=0.9 for x in xs)}/{len(xs)}')
