"""The paragraphs of the reports a reindex read, kept on disk until their batch is written.

Why: a full build must know the whole corpus before it writes anything (the dictionary
covers the terms mined from every report, and the plan compares every content hash), but
it must not hold every paragraph in memory to do so (about 10 MB per 1,000 paragraphs'
worth of Report objects). So reading streams: each report's paragraphs are appended here
as they are read and dropped from memory, and the writer reads them back one bounded batch
at a time (writing.py), in this process or in a forked writer that inherits the file.

The file is anonymous (O_TMPFILE where the system has it) in the index directory, so it
is on the index's disk, not in a RAM-backed /tmp, and vanishes with the process however
the reindex ends.
"""

from __future__ import annotations

import marshal
import os
import tempfile
from pathlib import Path

from searchapp.model import Paragraph, Report


class Spool:
    def __init__(self, directory: Path) -> None:
        self._file = tempfile.TemporaryFile(dir=directory, prefix=".spool-")
        self._where: dict[str, tuple[int, int]] = {}  # report id -> (offset, length)
        self._end = 0

    def put(self, report: Report) -> None:
        """Keep the report's paragraphs here and drop them from the report. A report
        without any (one reused from files.marshal) is not written: it reads back as []."""
        if not report.paragraphs:
            return
        data = marshal.dumps([(p.n, p.text, p.section, p.heading_level)
                              for p in report.paragraphs])
        os.pwrite(self._file.fileno(), data, self._end)
        self._where[report.id] = (self._end, len(data))
        self._end += len(data)
        report.paragraphs = []

    def size(self, report_id: str) -> int:
        """Bytes the report's paragraphs take here: how much work writing them is."""
        return self._where.get(report_id, (0, 0))[1]

    def paragraphs(self, report_id: str) -> list[Paragraph]:
        """The paragraphs put for this report (none for a report never put)."""
        offset, length = self._where.get(report_id, (0, 0))
        if not length:
            return []
        rows = marshal.loads(os.pread(self._file.fileno(), length, offset))
        return [Paragraph(n, text, section, level) for n, text, section, level in rows]

    def close(self) -> None:
        self._file.close()
