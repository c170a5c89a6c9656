"""`searchapp reindex`: summary line, warnings on stderr, clear errors with exit 1."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from conftest import list_reports, run_cli

from searchapp.index import build as index
from searchapp.index import generations as publish
from searchapp.progress import Reporter

SEEDS = Path(__file__).parents[1] / "seeds"
SUMMARY = re.compile(r"^(\d+) reports, (\d+) paragraphs in [\d.]+ s, (\d+) warnings? "
                     r"\((full rebuild|incremental): (\d+) added, (\d+) changed, (\d+) removed; "
                     r"gen-\d{6}\)$")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    directory = tmp_path / "corpus"
    directory.mkdir()
    (directory / "a.txt").write_text("某县2024年政府工作报告\n\n坚持“万人助万企”，优化营商环境。\n",
                                     encoding="utf-8")
    return directory


def _summary(output: str) -> tuple:
    match = SUMMARY.match(output.strip().splitlines()[-1])
    assert match, output
    return tuple(int(g) if g.isdigit() else g for g in match.groups())


def test_builds_then_updates_incrementally(tmp_path: Path, corpus: Path) -> None:
    target = tmp_path / "index"
    first = run_cli("reindex", "--corpus", str(corpus), "--index", str(target))
    assert (first.exit_code, _summary(first.stdout)[3:]) == (0, ("full rebuild", 1, 0, 0))
    (corpus / "b.txt").write_text("推进乡村振兴。\n", encoding="utf-8")
    second = run_cli("reindex", "--corpus", str(corpus), "--index", str(target))
    assert (second.exit_code, _summary(second.stdout)[:2], _summary(second.stdout)[3:]) == \
        (0, (2, 3), ("incremental", 1, 0, 0))
    assert [r.id for r in list_reports(target)] == ["a", "b"]


def test_full_flag_rebuilds(tmp_path: Path, corpus: Path) -> None:
    run_cli("reindex", "--corpus", str(corpus), "--index", str(tmp_path / "index"))
    result = run_cli("reindex", "--corpus", corpus, "--index", tmp_path / "index", "--full")
    assert _summary(result.stdout)[3] == "full rebuild"


def test_environment_provides_the_defaults(tmp_path: Path, corpus: Path) -> None:
    env = {"SEARCHAPP_CORPUS": str(corpus), "SEARCHAPP_INDEX": str(tmp_path / "env-index")}
    result = run_cli("reindex", env=env)
    assert (result.exit_code, _summary(result.stdout)) == \
        (0, (1, 2, 1, "full rebuild", 1, 0, 0))
    assert publish.current(tmp_path / "env-index") == tmp_path / "env-index" / "gen-000001"
    assert [r.id for r in list_reports(tmp_path / "env-index")] == ["a"]


def test_not_a_terminal_gets_plain_progress_lines(tmp_path: Path, corpus: Path) -> None:
    result = run_cli("reindex", "--corpus", str(corpus), "--index", str(tmp_path / "index"))
    progress = [line for line in result.stderr.splitlines() if not line.startswith("warning: ")]
    assert progress == ["read: 1 reports", "index: 2/2 paragraphs", "write…"]


def test_warnings_go_to_stderr_and_are_counted(tmp_path: Path, corpus: Path) -> None:
    (corpus / "broken.txt").write_bytes(b"")
    result = run_cli("reindex", "--corpus", str(corpus), "--index", str(tmp_path / "index"))
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert (result.exit_code, len(warnings)) == (0, _summary(result.stdout)[2])
    assert any("broken.txt: empty file" in w for w in warnings)


def test_missing_corpus_path_is_an_error(tmp_path: Path) -> None:
    result = run_cli("reindex", "--corpus", tmp_path / "nope", "--index", tmp_path / "index")
    assert (result.exit_code, result.stderr.strip()) == \
        (1, f"Error: corpus path not found: {tmp_path / 'nope'}")


def test_empty_corpus_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run_cli("reindex", "--corpus", tmp_path / "empty", "--index", tmp_path / "index")
    assert (result.exit_code, result.stderr.strip()) == (
        1, f"Error: no reports found in {tmp_path / 'empty'}: add .txt, .md, .pdf, .docx, "
           ".html, .jsonl or .csv files, or pass --corpus")
    assert publish.current(tmp_path / "index") is None


def test_busy_index_is_an_error(tmp_path: Path, corpus: Path, monkeypatch) -> None:
    monkeypatch.setattr(publish, "LOCK_WAIT", 0.2)
    with publish.writer_lock(tmp_path / "index"):
        result = run_cli("reindex", "--corpus", str(corpus), "--index", str(tmp_path / "index"))
    assert result.exit_code == 1
    assert "another reindex (pid" in result.stderr


def test_seeds_are_the_default_corpus(tmp_path: Path, monkeypatch) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    result = run_cli("reindex")
    assert (result.exit_code, _summary(result.stdout)[:2], _summary(result.stdout)[3:]) == \
        (0, (2, 191), ("full rebuild", 2, 0, 0))
    assert publish.current(tmp_path / "index") == tmp_path / "index" / "gen-000001"
    assert [r.id for r in list_reports(tmp_path / "index")] == \
        sorted(p.stem for p in SEEDS.glob("*.txt"))


def test_unwritable_index_directory_is_an_error(tmp_path: Path, corpus: Path) -> None:
    (tmp_path / "index").write_text("not a directory")
    result = run_cli("reindex", "--corpus", str(corpus), "--index", str(tmp_path / "index"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and str(tmp_path / "index") in result.stderr


def test_summary_line() -> None:
    summary = index.ReindexSummary(reports=2, paragraphs=191, added=2, changed=0, removed=0,
                                   seconds=4.44, warnings=["x"], full=True,
                                   generation="gen-000001")
    assert index.summary_line(summary) == ("2 reports, 191 paragraphs in 4.4 s, 1 warning "
                                           "(full rebuild: 2 added, 0 changed, 0 removed; "
                                           "gen-000001)")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_progress_bar_and_readable_warnings() -> None:
    terminal = _Terminal()
    reporter = Reporter(terminal)
    for done in range(1, 51):
        reporter("index", done, 50)
    reporter.warn("a.txt: empty file; skipped")
    reporter.close()
    output = terminal.getvalue()
    assert "50/50" in output and "\r" in output
    assert "warning: a.txt: empty file; skipped\n" in output


def test_a_log_ends_each_stage_of_unknown_length_with_its_final_count() -> None:
    log = io.StringIO()
    reporter = Reporter(log)
    for done in range(1, 24):
        reporter("read", done, None)
    reporter("index", 0, 5)
    reporter("index", 5, 5)
    reporter("read", 2, None)
    reporter.close()
    assert log.getvalue().splitlines() == [
        "read: 1 reports", "read: 10 reports", "read: 23 reports", "index: 5/5 paragraphs",
        "read: 2 reports"]
