"""filecache: an update parses only the files that changed, and indexes what a full read would."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import list_reports, load_report

from searchapp.index import build as index
from searchapp.index import filecache, writing
from searchapp.index import generations as publish
from searchapp.ingest import corpus

SEEDS = Path(__file__).parents[1] / "seeds"
SIDECARS = ("meta.json", "reports.json", "synonyms.json")


@pytest.fixture
def files(tmp_path: Path) -> Path:
    directory = tmp_path / "corpus"
    shutil.copytree(SEEDS, directory)
    text = "某县2024年政府工作报告\n\n实施长期护理保险（以下简称长护险）。\n"
    (directory / "c.txt").write_text(text, encoding="utf-8")
    return directory


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """Names of the files read_file parses (a spy: the real function still runs)."""
    names: list[str] = []
    real = corpus.read_file

    def spy(path: Path, *args, **kwargs):  # noqa: ANN202
        names.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(corpus, "read_file", spy)
    return names


def _sidecars(index_dir: Path) -> dict[str, object]:
    generation = publish.current(index_dir)
    found = {name: json.loads((generation / name).read_text(encoding="utf-8"))
             for name in SIDECARS}
    del found["meta.json"]["files"]  # the files each build wrote: differ by construction
    return found


def _everything(index_dir: Path) -> list:
    return [load_report(index_dir, r.id) for r in list_reports(index_dir)]


def test_an_update_parses_only_the_changed_file_and_indexes_what_a_full_read_would(
        tmp_path: Path, files: Path, parsed: list[str]) -> None:
    index.reindex([files], tmp_path / "index")
    with (files / "c.txt").open("a", encoding="utf-8") as f:
        f.write("推进“桑坡模式”。\n")  # a new slogan: a new dictionary term, so a full rebuild
    (files / "d.txt").write_text("某市2024年政府工作报告\n\n优化营商环境。\n", encoding="utf-8")
    parsed.clear()
    summary = index.reindex([files], tmp_path / "index")
    assert (summary.full, summary.added, summary.changed) == (True, 1, 1)
    assert sorted(set(parsed)) == sorted(p.name for p in files.iterdir())
    index.reindex([files], tmp_path / "fresh", full=True)
    assert _sidecars(tmp_path / "index") == _sidecars(tmp_path / "fresh")
    assert _everything(tmp_path / "index") == _everything(tmp_path / "fresh")


def test_unchanged_files_are_not_parsed_and_their_warnings_are_repeated(
        tmp_path: Path, files: Path, parsed: list[str]) -> None:
    index.reindex([files], tmp_path / "index")
    (files / "d.txt").write_text("某市2024年政府工作报告\n\n优化营商环境。\n", encoding="utf-8")
    parsed.clear()
    update = index.reindex([files], tmp_path / "index")
    assert parsed == ["d.txt"]
    fresh = index.reindex([files], tmp_path / "fresh", full=True)
    assert (update.full, update.added) == (False, 1)
    assert (update.paragraphs, update.warnings) == (fresh.paragraphs, fresh.warnings)
    assert update.warnings  # the seeds lack some metadata: there is something to repeat
    assert _sidecars(tmp_path / "index") == _sidecars(tmp_path / "fresh")


def test_a_new_sidecar_makes_its_report_be_read_again(tmp_path: Path, files: Path,
                                                      parsed: list[str]) -> None:
    index.reindex([files], tmp_path / "index")
    (files / "c.meta.toml").write_text('region = "沁阳市"\n', encoding="utf-8")
    parsed.clear()
    summary = index.reindex([files], tmp_path / "index")
    assert (parsed, summary.changed) == (["c.txt"], 1)
    assert [r.region for r in list_reports(tmp_path / "index") if r.id == "c"] == ["沁阳市"]


def test_full_reads_every_file(tmp_path: Path, files: Path, parsed: list[str]) -> None:
    index.reindex([files], tmp_path / "index")
    parsed.clear()
    index.reindex([files], tmp_path / "index", full=True)
    assert sorted(parsed) == sorted(p.name for p in files.iterdir())


def test_a_record_of_another_layout_is_not_trusted(tmp_path: Path, files: Path,
                                                   parsed: list[str], monkeypatch) -> None:
    """files.marshal is a cache: one this version cannot read means every file is parsed
    again, and the update is still an update."""
    index.reindex([files], tmp_path / "index")
    monkeypatch.setattr(filecache, "RECORD", filecache.RECORD + 1)
    (files / "d.txt").write_text("某市2024年政府工作报告\n\n优化营商环境。\n", encoding="utf-8")
    parsed.clear()
    update = index.reindex([files], tmp_path / "index")
    assert sorted(parsed) == sorted(p.name for p in files.iterdir())
    assert (update.full, update.added, update.changed) == (False, 1, 0)
    index.reindex([files], tmp_path / "fresh", full=True)
    assert _sidecars(tmp_path / "index") == _sidecars(tmp_path / "fresh")


def test_the_dictionary_is_made_again_only_when_its_terms_change(
        tmp_path: Path, files: Path, monkeypatch) -> None:
    made: list[int] = []
    real = writing.project_dictionary
    monkeypatch.setattr(writing, "project_dictionary",
                        lambda mined: made.append(1) or real(mined))
    index.reindex([files], tmp_path / "index")
    (files / "d.txt").write_text("某市2024年政府工作报告\n\n优化营商环境。\n", encoding="utf-8")
    assert (index.reindex([files], tmp_path / "index").full, len(made)) == (False, 1)
    (files / "e.txt").write_text("某县2024年政府工作报告\n\n推进“桑坡模式”。\n", encoding="utf-8")
    assert (index.reindex([files], tmp_path / "index").full, len(made) > 1) == (True, True)
