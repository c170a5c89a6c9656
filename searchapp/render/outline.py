"""How `searchapp parse` shows a report: a readable outline for people, a JSON form for scripts.

This is where a person checks what ingestion extracted, so the text form puts the metadata first
and then every heading, indented by level, with the number of body paragraphs directly under it.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from searchapp.ingest.sections import TRAILING_PUNCT
from searchapp.model import UNKNOWN, Report
from searchapp.render.json import report_to_json


def render_json(reports: list[Report], *, collection: bool) -> str:
    """One object for a report file; always a list for a collection file (.jsonl/.csv), so a
    script's shape does not change with the number of records that happened to be readable."""
    data: Any = [report_to_json(r) for r in reports] if collection else report_to_json(reports[0])
    return json.dumps(data, ensure_ascii=False, indent=2)


def render_text(reports: list[Report]) -> str:
    return "\n\n".join(_render_one(r) for r in reports)


def _render_one(report: Report) -> str:
    return "\n".join(_metadata_lines(report) + [""] + outline_lines(report))


def _metadata_lines(report: Report) -> list[str]:
    region = report.region
    if report.parents:
        region += f"  ({' › '.join(report.parents)})"
    headings = sum(1 for p in report.paragraphs if p.heading_level)
    rows = [
        ("region", region), ("level", report.level), ("type", report.doctype),
        ("year", report.year),
        ("date", report.date), ("source", report.source), ("id", report.id),
        ("paragraphs", f"{len(report.paragraphs)} ({headings} headings)"),
    ]
    if report.glossary:
        rows.append(("glossary", f"{len(report.glossary)} terms"))
    return [report.title, "=" * 40] + [f"{name:<11} {_shown(value)}" for name, value in rows]


def _shown(value: object) -> str:
    return UNKNOWN if value in (None, "", UNKNOWN) else str(value)


def outline_lines(report: Report) -> list[str]:
    """'  N  heading' rows: N body paragraphs directly under each heading (by their section
    path, so text that returns to the part after a —— list counts for the part), indented
    by level."""
    under = Counter(p.section for p in report.paragraphs if not p.heading_level)
    rows: list[list[Any]] = [[under[()], 0, "(before the first heading)"]]
    for paragraph in report.paragraphs:
        if paragraph.heading_level:
            path = (*paragraph.section, paragraph.text.rstrip(TRAILING_PUNCT) or paragraph.text)
            rows.append([under[path], paragraph.heading_level, paragraph.text])
    if rows[0][0] == 0:
        rows.pop(0)
    lines = ["   ¶  outline"]
    lines += [f"{count:>4}  {'  ' * max(level - 1, 0)}{text}" for count, level, text in rows]
    return lines
