"""What every browser test shares: Debian's chromium (Playwright never downloads its own),
its flags, the marks that skip the module where the binary is missing, and one launch."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MARKS = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed "
                       "(`make test` installs it)"),
]


@contextmanager
def launched() -> Iterator[playwright_sync.Browser]:
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def session(out: Path, fresh: bool = True) -> Iterator[playwright_sync.Browser]:
    """A module's browser, its screenshot folder `out` ready (emptied first when `fresh`):
    `yield from session(OUT)` in a module-scoped fixture."""
    if fresh:
        shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    with launched() as browser:
        yield browser
