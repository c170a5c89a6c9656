"""The Whoosh schema (one document per paragraph) and Report -> stored documents.

Whoosh holds what a hit shows (stored fields), the report id (`doc`: what
load_report and deletions look up) and the jieba word field `body` with term
frequencies, whose analyzer carries the dictionary the index was built with.
Literal matching, filters and facets read the store's columns (columns.py) instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh import fields

from searchapp.model import Report
from searchapp.text.dictionary import Dictionary
from searchapp.text.tokenize import word_analyzer

STORED = ("doc", "n", "title", "region", "parents", "level", "year", "date", "section",
          "top_section", "heading_level", "body")


def make_schema(dictionary: Dictionary | None = None) -> fields.Schema:
    """The paragraph schema; the word field carries the dictionary it was built with."""
    plain = {name: fields.STORED() for name in STORED if name not in ("doc", "body")}
    return fields.Schema(doc=fields.ID(stored=True),
                         body=fields.TEXT(analyzer=word_analyzer(dictionary), stored=True,
                                          phrase=False),
                         **plain)


def documents(report: Report) -> Iterator[dict]:
    """The stored fields of each paragraph of a report."""
    shared = {"doc": report.id, "title": report.title, "region": report.region,
              "parents": list(report.parents), "level": report.level, "year": report.year,
              "date": report.date}
    shared = {k: v for k, v in shared.items() if v is not None}
    for p in report.paragraphs:
        top = p.section[0] if p.section else (p.text if p.heading_level == 1 else "")
        doc = dict(shared, n=p.n, section=list(p.section),
                   heading_level=p.heading_level, body=p.text)
        if top:
            doc["top_section"] = top
        yield doc
