#!/usr/bin/env python3
"""Reads `perf script` output; for a function F prints how F's inclusive time
splits among the functions it calls (the next non-inlined-runtime frame under F).

    perf script -i perf.data | python3 bench/perf_children.py 'annex::render::pages::context'
"""
import collections
import re
import sys

target = sys.argv[1]
depth = int(sys.argv[2]) if len(sys.argv) > 2 else 1
samples = 0
hit = 0
kids = collections.Counter()
stack = []


def flush():
    global samples, hit
    if not stack:
        return
    samples += 1
    # stack is leaf-first
    for k, fn in enumerate(stack):
        if target in fn:
            hit += 1
            below = stack[max(0, k - depth):k]
            kids[" <- ".join(below) if below else "(self)"] += 1
            break


for line in sys.stdin:
    if not line.strip():
        flush()
        stack = []
        continue
    if line[0] not in " \t":
        continue
    m = re.match(r"\s+[0-9a-f]+\s+(.+?)\s+\(", line)
    if m:
        fn = re.sub(r"<[^<>]*>", "", m.group(1))
        fn = re.sub(r"<[^<>]*>", "", fn)
        fn = re.sub(r"\+0x[0-9a-f]+$", "", fn)
        stack.append(fn[:200])
flush()
print(f"{target}: {hit} of {samples} samples ({100 * hit / max(samples, 1):.1f}%)")
for fn, c in kids.most_common(25):
    print(f"  {100 * c / max(samples, 1):5.1f}%  {fn}")
