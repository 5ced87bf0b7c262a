import collections,re,sys
path=sys.argv[1]
samples=open(path).read().split('\n\n')
BCL=('System.Private.CoreLib','System.Runtime','System.Linq','System.Collections','System.Memory','System.Linq.Expressions','System.Collections.Concurrent','System.Threading','System.ObjectModel','System.ComponentModel','System.Runtime.InteropServices','System.Diagnostics.DiagnosticSource','System.Text.Encodings.Web','System.Console','System.IO.Pipelines','System.Net.Primitives')
c=collections.Counter(); tot=0
for s in samples:
    s=s.strip()
    if not s: continue
    lines=s.split('\n')
    thread=re.match(r'(.+?)\s+\d+\s+[\d.]+:',lines[0]); thread=thread.group(1).strip() if thread else '?'
    tot+=1
    if not thread.startswith('.NET TP Worker'):
        c['thread:'+thread]+=1; continue
    cat=None; native=None
    for l in lines[1:]:
        l=l.strip()
        m=re.match(r'^[0-9a-f]+ (.*) \((.*)\)$',l)
        if not m: continue
        sym,dso=m.group(1),m.group(2)
        if native is None:
            native = 'kernel' if 'kallsyms' in dso else dso.split('/')[-1]
        a=re.search(r'\[([A-Za-z0-9_.]+)\] ',sym)
        if a:
            asm=a.group(1)
            if asm in BCL: continue
            cat=asm; break
    if cat is None: cat='(bcl/runtime only, leaf '+str(native)+')'
    if native and native.startswith('libcrypto') or native and native.startswith('libssl'): cat='native crypto <- '+cat
    c[cat]+=1
for k,v in c.most_common(45): print('%5.1f%% %s'%(100*v/tot,k))
