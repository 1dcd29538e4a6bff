#!/usr/bin/python3
"""Pages per second of the python3-readability anchor (Document.summary() + short_title(), the
way shared/tools/baseline_extract.py uses it) on the same pages clean_bench times.
usage: readability_anchor.py [--seconds S] PATH ..."""
import os, sys, time
from readability import Document

def collect(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            for d, _, fs in os.walk(p):
                out += [os.path.join(d, f) for f in sorted(fs) if f.endswith((".html", ".htm", ".shtml"))]
        elif os.path.isfile(p):
            out.append(p)
    return out

def decode(b):  # as baseline_extract.py
    import re
    try: return b.decode("utf-8")
    except UnicodeDecodeError: pass
    m = re.search(rb'charset=["\']?([A-Za-z0-9_-]+)', b[:2048])
    cs = (m.group(1).decode().lower() if m else "gb18030")
    if cs in ("gb2312", "gbk", "gb18030"): cs = "gb18030"
    return b.decode(cs, errors="replace")

args = sys.argv[1:]
seconds = 5.0
if "--seconds" in args:
    i = args.index("--seconds"); seconds = float(args[i + 1]); del args[i:i + 2]
pages = [decode(open(f, "rb").read()) for f in collect(args)]
n = size = 0
start, cpu0 = time.perf_counter(), time.thread_time()
while time.perf_counter() - start < seconds:
    for p in pages:
        d = Document(p)
        d.summary(html_partial=True)
        d.short_title()
        n += 1; size += len(p.encode("utf-8"))
el, cpu = time.perf_counter() - start, time.thread_time() - cpu0
print("%-24s %8.1f pages/s %6.1f MB/s per CPU-second (%.3f ms/page); wall clock %.1f pages/s (%d pages)" % (
    "python3-readability", n / cpu, size / cpu / 1e6, cpu * 1e3 / n, n / el, n))
