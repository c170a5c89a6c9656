"""Pool candidate paragraphs of a corpus for relevance judging (eval/README.md).

    .venv/bin/python eval/pool.py --corpus seeds \
        --corpus ../shared/corpus/national/government_work_reports.jsonl \
        --pool "营商环境" --pool "投资环境" --pool "办事 企业" [--count]

Each --pool is a group of space-separated strings that must all occur in a paragraph
(compared after normalisation: width, Traditional→Simplified, case); a group written
`§营商环境` must occur in the paragraph's section path (the headings above it) instead. A
paragraph is pooled when any group matches. Prints one block per pooled paragraph —
report#n, region, year, heading level, section path, the groups it matched, its full
text — or with --count only the pool sizes. Paragraph ids are the index's own (report id,
paragraph number).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from searchapp.ingest.corpus import read_corpus
from searchapp.text.normalize import normalize


def pooled(corpus: list[Path], pools: list[str]) -> tuple[list[tuple], list[int]]:
    groups = [[normalize(word) for word in group.removeprefix("§").split()] for group in pools]
    in_heading = [group.startswith("§") for group in pools]
    found, sizes = [], [0] * len(groups)
    for report in read_corpus(corpus):
        for paragraph in report.paragraphs:
            text = normalize(paragraph.text)
            path = normalize(" ".join(paragraph.section))
            matched = [i for i, group in enumerate(groups)
                       if all(w in (path if in_heading[i] else text) for w in group)]
            for i in matched:
                sizes[i] += 1
            if matched:
                found.append((report, paragraph, [pools[i] for i in matched]))
    return found, sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", type=Path, required=True)
    parser.add_argument("--pool", action="append", required=True)
    parser.add_argument("--count", action="store_true", help="only print the pool sizes")
    args = parser.parse_args()
    found, sizes = pooled(args.corpus, args.pool)
    print(f"# pooled {len(found)} paragraphs; per group: "
          + ", ".join(f"{group!r}={size}" for group, size in zip(args.pool, sizes, strict=True)))
    if args.count:
        return
    for report, paragraph, groups in found:
        section = " › ".join(paragraph.section) or "-"
        print(f"\n== {report.id}#{paragraph.n} | {report.region} {report.year} | "
              f"heading={paragraph.heading_level} | {section}\n   matched: {groups}\n"
              f"{paragraph.text}")


if __name__ == "__main__":
    main()
