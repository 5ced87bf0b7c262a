import re, sys
ents=[]
cur=None
for line in open(sys.argv[1]):
    m=re.match(r'\S+ \S+ UTC \[(\d+)\] \S+ LOG:  duration: ([\d.]+) ms  (\w+) ([^:]+): (.*)', line)
    if m:
        cur=[m.group(1), float(m.group(2)), m.group(3), m.group(4), m.group(5)[:70]]
        ents.append(cur)
    elif re.match(r'\S+ \S+ UTC', line):
        cur=None
# last view: from the last gate/customer statement
idx=[i for i,e in enumerate(ents) if e[2]=='parse' and ('FROM "customer" AS' in e[4] or e[4].startswith('SELECT "c"') or e[4].startswith('SELECT id, kind, name, name_script'))]
start=idx[-1]
pid=ents[start][0]
tot={'parse':0,'bind':0,'execute':0}; n=0
for e in ents[start:]:
    if e[0]!=pid: continue
    if 'advisory' in e[4] or 'access_log' in e[4] or e[4].startswith('BEGIN') or e[4].startswith('COMMIT'): break
    tot[e[2]]+=e[1]; n+= e[2]=='execute'
    if len(sys.argv)>2: print(e)
print(sys.argv[1], 'statements', n, {k: round(v,3) for k,v in tot.items()}, 'sum', round(sum(tot.values()),3))
