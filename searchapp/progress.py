"""Progress of long work for the CLI: a tqdm bar on a terminal, sparse log lines otherwise.

Library code reports progress through plain callbacks (stage, done, total);
this adapter is the only place that knows about terminals.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from tqdm import tqdm

_UNITS = {"read": "reports", "index": "paragraphs"}
_LOG_STEPS = 10  # log lines per stage when not on a terminal


class Reporter:
    """Callable progress sink (stage, done, total) plus warn() that does not garble the bar."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr  # looked up now: click's test runner swaps it
        self.tty = self.stream.isatty()
        self.bar: tqdm | None = None
        self.stage = ""
        self.logged = 0
        self.last: tuple[int, int | None] | None = None  # (done, total) not logged yet

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if stage != self.stage:
            self._finish_stage()
            self.stage, self.logged = stage, 0
            if done == 0 and total is None:  # a step without measurable progress
                self._line(f"{stage}…")
                return
            if self.tty:
                from tqdm import tqdm  # only a terminal draws a bar: 20 ms of every reindex

                self.bar = tqdm(total=total, unit=" " + _UNITS.get(stage, "items"),
                                desc=stage, file=self.stream, leave=False)
        if self.bar is not None:
            self.bar.update(done - self.bar.n)
        elif self._due(done, total):
            self._log(done, total)
        else:
            self.last = (done, total)

    def _log(self, done: int, total: int | None) -> None:
        self.logged += 1
        self.last = None
        of = f"/{total}" if total else ""
        self._line(f"{self.stage}: {done}{of} {_UNITS.get(self.stage, 'items')}")

    def _due(self, done: int, total: int | None) -> bool:
        if total:
            return done == total or done * _LOG_STEPS >= total * (self.logged + 1)
        return done in (1, 10, 100) or done % 1000 == 0

    def warn(self, message: str) -> None:
        self._line(f"warning: {message}")

    def _line(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    def _finish_stage(self) -> None:
        """A stage of unknown length logs only now and then: its final count is logged here."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        elif self.last is not None:
            self._log(*self.last)

    def close(self) -> None:
        self._finish_stage()
