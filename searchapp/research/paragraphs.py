"""Which report each paragraph belongs to, and its number there, for whole result sets.

The timeline counts reports and finds first appearances over tens of thousands of
paragraphs; reading each one's stored fields from Whoosh would cost ~30 µs apiece. The
column store already holds the report and number of every docnum, so they are read from
there once per generation (gen.derived) and looked up with numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from searchapp.index.generation import Generation
from searchapp.search.reports import report_facet


@dataclass(frozen=True)
class Places:
    report: np.ndarray  # int32 per docnum: position in `ids` (search/reports.py's column)
    n: np.ndarray  # int32 per docnum: the paragraph's number in its report
    ids: list[str]  # report ids


def places(gen: Generation) -> Places:
    return gen.derived("research:places", _load)  # type: ignore[return-value]


def _load(gen: Generation) -> Places:
    reports = report_facet(gen)
    n = gen.columns.column("n") if gen.columns.parts else np.zeros(0, np.int32)
    return Places(reports.ids, np.asarray(n, np.int32), reports.values)
