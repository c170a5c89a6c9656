"""Crash safety and concurrent writers (issue 6): a reindex killed with SIGKILL at any stage
leaves the published index intact and searchable, and the next plain `searchapp reindex`
succeeds with no manual cleanup; two writers never corrupt anything.

Faults are injected in a child process (tests/…/crasher.py, written per test) through the
progress callback of index.reindex — stages "read", "index", "write" — and, for publishing,
by wrapping os.rename / os.replace so the child kills itself right after the build directory
is renamed into place, or just before CURRENT would be switched.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import opened

from searchapp.index import build as index
from searchapp.index import generations as publish
from searchapp.model import Query
from searchapp.search import searching as search

pytestmark = pytest.mark.slow  # real processes killed at every stage, waits for the lock

REPO = Path(__file__).resolve().parents[1]
PROBES = ("营商环境", '"高质量发展"', "钙钛矿光伏")
NEW_REPORT = ("2024年修武县政府工作报告\n信息来源:修武县人民政府 发布日期:2024-02-01\n\n"
              "各位代表:\n\n一、2024年工作安排\n\n布局钙钛矿光伏，优化营商环境。\n")

CRASHER = '''
import os, signal, sys, time
from pathlib import Path
from searchapp.index import build as index
from searchapp.index import generations as publish

stage, corpus, index_dir, full = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "full"
die = lambda: os.kill(os.getpid(), signal.SIGKILL)

def progress(name, done, total):
    if name == stage:
        die()
    if stage == "hold":  # keep the writer lock until killed by the test
        print("holding", flush=True)
        time.sleep(600)

real_rename, real_replace = os.rename, os.replace

def rename(src, dst):
    real_rename(src, dst)
    if stage == "renamed" and Path(src).name.startswith(publish.BUILD_PREFIX):
        die()

def replace(src, dst):
    if stage == "publish" and Path(dst).name == publish.CURRENT:
        die()
    real_replace(src, dst)

publish.os.rename, publish.os.replace = rename, replace
index.reindex([Path(corpus)], Path(index_dir), full=full, progress=progress)
print("finished without being killed")
'''


def hits(index_dir: Path) -> dict[str, list[tuple[str, int, str]]]:
    """What a reader sees: each probe's hits (report, paragraph, highlight)."""
    return {q: [(h.doc, h.paragraph, h.highlight)
                for h in search.run(opened(index_dir), Query(q=q)).hits] for q in PROBES}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(corpus, index) built once; tests copy the index and crash their copy."""
    root = tmp_path_factory.mktemp("crash")
    shutil.copytree(REPO / "seeds", root / "corpus")
    index.reindex([root / "corpus"], root / "index")
    return root / "corpus", root / "index"


@pytest.fixture
def setup(pristine: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path, Path]:
    """(corpus with one new report, copy of the index over the old corpus, crasher script)."""
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(pristine[0], corpus)
    shutil.copytree(pristine[1], index_dir)
    (corpus / "xiuwu-2024.txt").write_text(NEW_REPORT, encoding="utf-8")
    (tmp_path / "crasher.py").write_text(CRASHER, encoding="utf-8")
    return corpus, index_dir, tmp_path / "crasher.py"


def crasher(script: Path, stage: str, corpus: Path, index_dir: Path,
            full: bool = False) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(script), stage, str(corpus), str(index_dir),
                             "full" if full else "incremental"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def reindex_cli(corpus: Path, index_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "searchapp", "reindex", "--corpus", str(corpus),
                           "--index", str(index_dir)], capture_output=True, text=True,
                          timeout=120)


def leftovers(index_dir: Path) -> list[str]:
    """Anything besides CURRENT, the lock, the marker and the kept generations up to CURRENT."""
    published = (index_dir / publish.CURRENT).read_text().strip()
    return sorted(p.name for p in index_dir.iterdir()
                  if p.name not in (publish.CURRENT, publish.LOCK, publish.MARKER)
                  and not (p.name.startswith("gen-") and p.name <= published))


@pytest.mark.parametrize(("stage", "full"), [
    ("read", False), ("index", False), ("write", False), ("write", True),
    ("renamed", False), ("publish", True)],
    ids=["reading", "tokenising", "writing", "writing-full", "after-rename", "switching-CURRENT"])
def test_reindex_killed_leaves_the_index_intact_and_the_next_one_succeeds(
        setup: tuple[Path, Path, Path], pristine: tuple[Path, Path], stage: str,
        full: bool) -> None:
    corpus, index_dir, script = setup
    expected = hits(pristine[1])
    killed = crasher(script, stage, corpus, index_dir, full)
    killed.communicate(timeout=120)
    assert killed.returncode == -signal.SIGKILL
    assert (index_dir / publish.CURRENT).read_text() == "gen-000001\n"
    assert hits(index_dir) == expected

    rerun = reindex_cli(corpus, index_dir)
    assert rerun.returncode == 0, rerun.stderr
    assert "1 added" in rerun.stdout
    assert leftovers(index_dir) == []
    assert hits(index_dir)["钙钛矿光伏"] == [
        ("xiuwu-2024", 5, "布局<mark>钙钛矿光伏</mark>，优化营商环境。")]


@pytest.mark.parametrize("lock_name", ["WRITELOCK", "MAIN_WRITELOCK"])
def test_stale_whoosh_lock_files_do_not_block_the_next_reindex(
        setup: tuple[Path, Path, Path], lock_name: str) -> None:
    corpus, index_dir, _ = setup
    with publish.building(index_dir, None) as stale_build:  # as a killed run leaves it
        assert stale_build.name == ".build-gen-000002"
    for directory in (index_dir / "gen-000001", stale_build):
        (directory / lock_name).write_text("12345")
    rerun = reindex_cli(corpus, index_dir)
    assert rerun.returncode == 0, rerun.stderr
    assert leftovers(index_dir) == []
    assert [h[0] for h in hits(index_dir)["钙钛矿光伏"]] == ["xiuwu-2024"]


def test_second_writer_gives_up_with_a_clear_message_and_runs_once_the_lock_is_free(
        setup: tuple[Path, Path, Path], pristine: tuple[Path, Path]) -> None:
    corpus, index_dir, script = setup
    holder = crasher(script, "hold", corpus, index_dir)
    try:
        assert holder.stdout.readline() == "holding\n"
        second = reindex_cli(corpus, index_dir)  # waits publish.LOCK_WAIT seconds, then exits
    finally:
        holder.send_signal(signal.SIGKILL)  # the kernel releases its flock
        holder.communicate(timeout=30)
    assert second.returncode == 1
    assert second.stderr.strip() == (
        f"Error: another reindex (pid {holder.pid}) is updating {index_dir}; "
        "wait for it to finish, then run `searchapp reindex` again")
    assert hits(index_dir) == hits(pristine[1])
    third = reindex_cli(corpus, index_dir)
    assert third.returncode == 0, third.stderr
    assert [h[0] for h in hits(index_dir)["钙钛矿光伏"]] == ["xiuwu-2024"]


HOLDER = """
import sys
from pathlib import Path
from searchapp.index.generations import writer_lock
with writer_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.read()  # until the test closes our stdin
"""

# `searchapp reindex` as a real process whose lock wait is long enough for any machine, so the
# outcome does not depend on how long the first build takes.
PATIENT_REINDEX = """
import sys
from searchapp.cli import main
from searchapp.index import build, generations  # build: loaded now, before "started"
generations.LOCK_WAIT = 300.0
print("started", flush=True)
main(["reindex", *sys.argv[1:]])
"""


def test_two_reindexes_started_at_once_run_one_after_the_other(
        setup: tuple[Path, Path, Path], tmp_path: Path) -> None:
    """Both start while a third process holds the lock; neither can publish until it lets go.
    Then both succeed, in sequence: two complete full builds, gen-000001 then gen-000002."""
    corpus, _, _ = setup
    index_dir = tmp_path / "fresh-index"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(index_dir)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    runs: list[subprocess.Popen[str]] = []
    try:
        assert holder.stdout.readline() == "locked\n"
        runs = [subprocess.Popen(
            [sys.executable, "-c", PATIENT_REINDEX, "--full", "--corpus", str(corpus),
             "--index", str(index_dir)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True) for _ in range(2)]
        assert [run.stdout.readline() for run in runs] == ["started\n", "started\n"]
        time.sleep(1)  # both are now queued behind the holder (or about to be)
        assert [run.poll() for run in runs] == [None, None]
        assert publish.current(index_dir) is None
    finally:
        holder.communicate(timeout=30)  # closes its stdin: it leaves the lock normally
        outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    summaries = sorted(re.sub(r" in [\d.]+ s,", "", out.strip().splitlines()[-1])
                       for out, _ in outputs)
    assert summaries == [  # the second rebuilt what the first had just published
        "3 reports, 196 paragraphs 0 warnings (full rebuild: 0 added, 0 changed, 0 removed; "
        "gen-000002)",
        "3 reports, 196 paragraphs 0 warnings (full rebuild: 3 added, 0 changed, 0 removed; "
        "gen-000001)"]
    assert [err for _, err in outputs if "another reindex" in err or "Traceback" in err] == []
    assert [p.name for p in publish.generations(index_dir)] == ["gen-000001", "gen-000002"]
    assert publish.current(index_dir) == index_dir / "gen-000002"
    assert leftovers(index_dir) == []
    assert [h[0] for h in hits(index_dir)["钙钛矿光伏"]] == ["xiuwu-2024"]
