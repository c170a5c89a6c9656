"""The shapes of a timeline and a comparison: JSON for /api/timeline, /api/compare and
`searchapp timeline --format json` (so they cannot disagree), and the CLI's table and CSV."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict

from searchapp.research.compare import Comparison
from searchapp.research.timeline import Row, Timeline


def row_to_json(row: Row) -> dict:
    return {**asdict(row), "share": round(row.share, 4)}


def timeline_to_json(found: Timeline) -> dict:
    return {
        "query": found.query.q, "by": found.by, "counted": found.needles,
        "notice": found.notice, "total": row_to_json(found.total),
        "rows": [row_to_json(r) for r in found.rows],
        "first": asdict(found.first) | {"text": found.first_text} if found.first else None,
        "first_by_region": [asdict(f) for f in found.first_by_region],
        "expansions": [{"word": s.word, "rows": [row_to_json(r) for r in s.rows]}
                       for s in found.expansions],
    }


def comparison_to_json(found: Comparison) -> dict:
    return {
        "query": found.query.q, "axis": found.axis, "notice": found.notice,
        "columns": [{**{k: v for k, v in asdict(c).items() if k != "passages"},
                     "passages": [asdict(p) for p in c.passages]} for c in found.columns],
    }


ROW_FIELDS = ("group", "year", "paragraphs", "copied", "occurrences", "reports",
              "reports_in_scope", "share")


def timeline_text(found: Timeline, fmt: str) -> str:
    """`searchapp timeline --format table|csv|json`."""
    if fmt == "json":
        return json.dumps(timeline_to_json(found), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _timeline_csv(found)
    return _timeline_table(found)


def _series(found: Timeline) -> list[tuple[str, list[Row]]]:
    """The counted words' rows, then each expansion's."""
    return [(" ".join(found.needles), found.rows)] + [(s.word, s.rows) for s in found.expansions]


def _timeline_csv(found: Timeline) -> str:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(("series", *ROW_FIELDS))
    for name, rows in _series(found):
        for row in rows:
            data = row_to_json(row)
            out.writerow((name, *(data[f] for f in ROW_FIELDS)))
    return buffer.getvalue()


def _timeline_table(found: Timeline) -> str:
    total = found.total
    words = "」「".join(found.needles)
    lines = [f"「{words}」按原文统计：{total.paragraphs} 段（照录上级 {total.copied} 段），"
             f"{total.occurrences} 次，{total.reports} 份报告"]
    if found.notice:
        lines.append(found.notice)
    if found.first:
        f = found.first
        lines.append(f"最早出现：{f.year}年 {f.region}《{f.title}》第{f.n}段 ({f.doc})")
    for i, (name, rows) in enumerate(_series(found)):
        if i:
            lines.append(f"\n同义词或全称「{name}」（另计）：")
        lines.append(("分组\t" if found.by != "year" else "")
                     + "年份\t段落\t照录上级\t次数\t报告\t占比")
        for r in rows:
            lines.append(("" if found.by == "year" else f"{r.group}\t")
                         + f"{r.year or '未知'}\t{r.paragraphs}\t{r.copied}\t{r.occurrences}\t"
                         f"{r.reports}\t"
                         f"{r.reports}/{r.reports_in_scope} ({r.share:.0%})")
    return "\n".join(lines) + "\n"
