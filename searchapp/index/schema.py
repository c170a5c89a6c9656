"""The Whoosh schema (one document per paragraph).

Whoosh holds the jieba word field `body` with term frequencies, whose analyzer carries
the dictionary the index was built with, and the report id `doc`; it stores nothing.
What a hit shows (the text as written, the section path) and literal matching, filters
and facets come from the store (columns.py, originals.py) and reports.json: the text is
kept once.
"""

from __future__ import annotations

from whoosh import fields

from searchapp.text.dictionary import Dictionary
from searchapp.text.tokenize import word_analyzer


def make_schema(dictionary: Dictionary | None = None) -> fields.Schema:
    """The paragraph schema; the word field carries the dictionary it was built with."""
    return fields.Schema(doc=fields.ID(),
                         body=fields.TEXT(analyzer=word_analyzer(dictionary), phrase=False))
