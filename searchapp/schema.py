"""The Whoosh schema (one document per paragraph) and Report -> documents.

Field names are the contract with search.py (see BRIEF): word fields use the
jieba analyzer carrying the index's dictionary; body_ngram (bigrams with
positions) makes quoted phrases exact substring searches; body_char answers
one-character queries.
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh import fields

from searchapp.analysis import char_analyzer, ngram_analyzer, word_analyzer
from searchapp.dictionary import Dictionary, short_region_name
from searchapp.model import Report


def make_schema(dictionary: Dictionary | None = None) -> fields.Schema:
    """The paragraph schema; word fields carry the dictionary they were built with."""
    words = word_analyzer(dictionary)
    return fields.Schema(
        key=fields.ID(unique=True, stored=True),
        doc=fields.ID(stored=True),
        n=fields.NUMERIC(int, stored=True, sortable=True),
        title=fields.TEXT(analyzer=words, stored=True),
        region=fields.ID(stored=True),
        regions=fields.KEYWORD(commas=True, lowercase=False),
        parents=fields.STORED(),
        level=fields.ID(stored=True),
        year=fields.NUMERIC(int, stored=True, sortable=True),
        date=fields.ID(stored=True, sortable=True),
        section=fields.STORED(),
        section_text=fields.TEXT(analyzer=words),
        top_section=fields.ID(stored=True),
        heading_level=fields.NUMERIC(int, stored=True),
        body=fields.TEXT(analyzer=words, stored=True, chars=True),
        body_ngram=fields.TEXT(analyzer=ngram_analyzer()),
        body_char=fields.TEXT(analyzer=char_analyzer(), phrase=False),
    )


SCHEMA = make_schema()


def region_keys(report: Report) -> list[str]:
    """Values of the `regions` filter field: the region and its parents, full and short."""
    names = [report.region, *report.parents]
    return sorted({k for name in names if name for k in (name, short_region_name(name))})


def documents(report: Report) -> Iterator[dict]:
    """The Whoosh documents (one per paragraph) of a report."""
    shared = {"doc": report.id, "title": report.title, "region": report.region,
              "regions": ",".join(region_keys(report)), "parents": list(report.parents),
              "level": report.level, "year": report.year, "date": report.date}
    shared = {k: v for k, v in shared.items() if v is not None}
    for p in report.paragraphs:
        top = p.section[0] if p.section else (p.text if p.heading_level == 1 else "")
        doc = dict(shared, key=f"{report.id}#{p.n}", n=p.n, section=list(p.section),
                   section_text=" ".join(p.section), heading_level=p.heading_level,
                   body=p.text, body_ngram=p.text, body_char=p.text)
        if top:
            doc["top_section"] = top
        yield doc
