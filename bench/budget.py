"""Wall-clock budget of a benchmark run, and its progress log.

The run must end in time on a shared 2-core machine whatever the scales asked
for, so every phase asks the budget first, and what it skips is reported.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime


class Budget:
    """Wall-clock budget of the whole run; phases ask before they start."""

    def __init__(self, seconds: float) -> None:
        self.started = time.perf_counter()
        self.seconds = seconds
        self.skipped: list[str] = []

    def left(self) -> float:
        return self.seconds - (time.perf_counter() - self.started)

    def allows(self, what: str, estimate: float | None) -> bool:
        if self.left() < 10:
            self.skipped.append(f"{what}: the budget is spent")
            return False
        if estimate is not None and estimate > self.left():
            self.skipped.append(f"{what}: estimated {estimate:.0f} s, "
                                f"{max(0, self.left()):.0f} s of the budget left")
            log(f"skip {what} (estimated {estimate:.0f} s > {self.left():.0f} s left)")
            return False
        return True


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)
