#!/usr/bin/env python3
"""Pool candidate paragraphs for relevance judging.

Usage: eval/pool.py --paragraphs PARAGRAPHS.jsonl --pool "A" --pool "B C" [--count]
Each --pool is a group of space-separated strings that must ALL occur in a paragraph
(after normalisation: NFKC, Traditional->Simplified, casefold); a paragraph is pooled
if any group matches. Prints one block per pooled paragraph: doc#n, region, year,
section path, which groups matched, and the full text.
"""
import argparse, json, unicodedata
import opencc

_cc = opencc.OpenCC("t2s")

def norm(s):
    return _cc.convert("".join(unicodedata.normalize("NFKC", c) for c in s)).casefold()

ap = argparse.ArgumentParser()
ap.add_argument("--pool", action="append", required=True)
ap.add_argument("--count", action="store_true", help="only print the pool size per group")
ap.add_argument("--paragraphs", required=True, help="one JSON object per paragraph: doc, n, region, "
                "year, section, heading, text, norm (normalised text); see eval/README.md")
a = ap.parse_args()
groups = [[norm(w) for w in g.split()] for g in a.pool]
rows = [json.loads(l) for l in open(a.paragraphs, encoding="utf-8")]
hits = []
per = [0] * len(groups)
for r in rows:
    m = [i for i, g in enumerate(groups) if all(w in r["norm"] for w in g)]
    for i in m:
        per[i] += 1
    if m:
        hits.append((r, m))
print(f"# pooled {len(hits)} paragraphs; per group: " + ", ".join(f"{a.pool[i]!r}={per[i]}" for i in range(len(groups))))
if a.count:
    raise SystemExit
for r, m in hits:
    sec = " › ".join(r["section"]) or "-"
    print(f"\n== {r['doc']}#{r['n']} | {r['region']} {r['year']} | heading={r['heading']} | {sec}")
    print(f"   matched: {[a.pool[i] for i in m]}")
    print(r["text"])
