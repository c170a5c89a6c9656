"""Nothing is lost when a server is killed mid-save: a process saving searches in a loop is
SIGKILLed at random moments (during start-up and migration too), then the database must
hold every save the process saw succeed, only complete rows, and take the next save at once
(no lock left behind) — on SQLite and on PostgreSQL."""

from __future__ import annotations

import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from searchapp.state import saved
from searchapp.state.database import Database

SAVER = """
import sys
from pathlib import Path
from searchapp.state import saved
from searchapp.state.database import Database

database = Database(sys.argv[1] or None, Path(sys.argv[2]))
for i in range(int(sys.argv[3]), 10**9):
    entry = saved.create(database, f"n{i}", f"q={i}", i, owner=f"o{i}")
    print(entry.slug, i, flush=True)
"""
ROW = re.compile(r"n(\d+)")


def saves_then_killed(url: str | None, instance: Path, start: int, delay: float) -> list[str]:
    """Run the saver, SIGKILL it after `delay` seconds; the slugs it reported as saved."""
    process = subprocess.Popen([sys.executable, "-c", SAVER, url or "", str(instance),
                                str(start)], stdout=subprocess.PIPE, text=True)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    out, _ = process.communicate(timeout=30)
    return [line.split()[0] for line in out.splitlines(keepends=True) if line.endswith("\n")]


def assert_complete(entry: saved.SavedSearch) -> None:
    number = int(ROW.fullmatch(entry.name)[1])
    assert (entry.query_string, entry.total, entry.owner) == (f"q={number}", number,
                                                           f"o{number}")
    assert saved.SLUG_RE.match(entry.slug) and entry.created.endswith("+00:00")


@pytest.mark.slow
def test_a_server_killed_mid_save_loses_nothing_and_leaves_no_partial_state(
        database_url: str | None, tmp_path: Path) -> None:
    seed = random.randrange(10**6)
    chance = random.Random(seed)
    instance, reported, rounds = tmp_path / "instance", [], 8
    for round_ in range(rounds):
        delay = chance.uniform(0.05, 1.5) if round_ else 0.3  # the first: during migrating
        reported += saves_then_killed(database_url, instance, 1000 * round_, delay)
    database = Database(database_url, instance)
    rows = saved.list_all(database)
    for entry in rows:
        assert_complete(entry)
    slugs = {entry.slug for entry in rows}
    assert set(reported) <= slugs, f"seed {seed}: an acknowledged save was lost"
    assert len(slugs - set(reported)) <= rounds  # at most the one in flight at each kill
    assert len(reported) > rounds, f"seed {seed}: the kills came too early to test anything"
    started = time.monotonic()
    after = saved.create(database, "n1", "q=1", 1, owner="o1")
    assert time.monotonic() - started < 5  # no lock left behind by the killed writers
    assert saved.get(database, after.slug) == after
    with database.transaction() as tx:
        versions = [row[0] for row in tx.execute("SELECT version FROM schema_version "
                                                 "ORDER BY version").fetchall()]
    assert versions == [1, 2, 3]
