"""An index directory protects itself and what is around it: reindex writes only into a new
or empty folder or one it made (the `.searchapp-index` marker), never into "", / or a folder
of other files; cleaning deletes only the generations the marker lists; the corpus walk
never reads an index as reports; indexes made before the marker are adopted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO, list_reports, run_cli

from searchapp.errors import IndexRefused
from searchapp.index import build as index
from searchapp.index import generations as publish
from searchapp.ingest import corpus

SEEDS = Path(__file__).parents[1] / "seeds"
REFUSED = ("Error: {dir} is not empty and is not a searchapp index (it has no .searchapp-index): "
           "pass --index a new or empty directory")


def _tree(directory: Path) -> dict[str, bytes | None]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() if p.is_file() else None
            for p in sorted(directory.rglob("*"))}


def _marker(index_dir: Path) -> list[str]:
    return (index_dir / publish.MARKER).read_text(encoding="utf-8").splitlines()


def test_a_new_index_directory_gets_the_marker_listing_its_generations(tmp_path, make_report):
    reports = [make_report("a", "甲。")]
    index.index_reports(reports, tmp_path / "index")
    assert _marker(tmp_path / "index") == [publish.MARKER_FORMAT, "gen-000001"]
    index.index_reports([make_report("a", "乙。")], tmp_path / "index")
    index.index_reports([make_report("a", "丙。")], tmp_path / "index")
    assert _marker(tmp_path / "index") == [publish.MARKER_FORMAT, "gen-000002", "gen-000003"]


def test_an_existing_empty_directory_is_fine(tmp_path, make_report):
    (tmp_path / "index").mkdir()
    assert index.index_reports([make_report("a", "甲。")], tmp_path / "index").added == 1


def test_the_repositorys_own_index_folder_with_its_gitkeep_is_an_empty_index(tmp_path):
    """`make serve` on a fresh clone builds into index/, which git keeps with a .gitkeep."""
    shutil.copytree(REPO / "index", tmp_path / "index")
    assert sorted(p.name for p in (tmp_path / "index").iterdir()) == [".gitkeep"]
    result = run_cli("reindex", "--corpus", str(REPO / "seeds"), "--index",
                     str(tmp_path / "index"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "index" / ".gitkeep").exists()


def test_reindex_refuses_a_folder_of_other_files_and_touches_nothing(tmp_path):
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "thesis.docx").write_bytes(b"years of work")
    (documents / "gen-000001").mkdir()  # even a folder that looks like a generation
    before = _tree(documents)
    result = run_cli("reindex", "--corpus", SEEDS, "--index", documents)
    assert (result.exit_code, result.output.strip()) == (1, REFUSED.format(dir=documents))
    assert _tree(documents) == before  # not even a lock file


@pytest.mark.parametrize("given, message", [
    ("", 'Error: the index directory is "" (the current directory): pass --index DIR, '
         "e.g. --index index"),
    ("/", "Error: / is the filesystem root, not an index directory: pass --index DIR, "
          "e.g. --index index"),
], ids=["empty", "root"])
def test_reindex_refuses_the_current_directory_given_as_empty_and_the_root(
        given, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # an empty current directory: still not taken for ""
    result = run_cli("reindex", "--corpus", SEEDS, "--index", given)
    assert (result.exit_code, result.output.strip()) == (1, message)
    assert list(tmp_path.iterdir()) == []


def test_the_library_refuses_too(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(IndexRefused, match="pass --index a new or empty directory"):
        index.reindex([SEEDS], tmp_path)


def test_foreign_folders_named_like_ours_are_never_deleted(tmp_path, make_report):
    directory = tmp_path / "index"
    index.index_reports([make_report("a", "甲。")], directory)
    foreign = {"gen-000042": "someone's backup", ".build-cache": "a tool's cache",
               ".build-gen-000007": "not ours either"}
    for name, text in foreign.items():
        (directory / name).mkdir()
        (directory / name / "keep.txt").write_text(text)
    for i, text in enumerate(("乙。", "丙。", "丁。")):
        index.index_reports([make_report("a", text)], directory, full=i == 1)
    assert {name: (directory / name / "keep.txt").read_text() for name in foreign} == foreign
    assert [p.name for p in publish.generations(directory)] == ["gen-000044", "gen-000045"]
    assert publish.current(directory).name == "gen-000045"  # numbered past any look-alike


def test_an_index_inside_the_corpus_is_not_read_as_reports(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "corpus")
    inside = tmp_path / "corpus" / "index"
    first = index.reindex([tmp_path / "corpus"], inside)
    second = index.reindex([tmp_path / "corpus"], inside, full=True)
    assert (first.reports, second.reports) == (2, 2)  # not its store/…/bodies.txt
    assert sorted(r.id for r in list_reports(inside)) == sorted(p.stem for p in SEEDS.iterdir())


def test_a_corpus_path_that_is_an_index_is_skipped_with_a_warning(tmp_path, make_report):
    index.index_reports([make_report("a", "甲。")], tmp_path / "index")
    warnings: list[str] = []
    assert list(corpus.read_corpus([tmp_path / "index"], warnings.append)) == []
    assert warnings == [f"{tmp_path / 'index'}: a searchapp index, not reports; skipped"]


def test_the_walk_and_the_index_agree_on_the_marker_name():
    assert corpus.INDEX_MARKER == publish.MARKER


def _as_made_before_the_marker(directory: Path, format: int | None = None) -> None:
    (directory / publish.MARKER).unlink()
    if format is not None:
        for meta in directory.glob("gen-*/meta.json"):
            meta.write_text(json.dumps(dict(json.loads(meta.read_text()), format=format)))


def test_an_index_made_before_the_marker_is_adopted(tmp_path, make_report):
    directory = tmp_path / "index"
    for text in ("甲。", "乙。"):
        index.index_reports([make_report("a", text)], directory)
    _as_made_before_the_marker(directory, format=4)
    summary = index.index_reports([make_report("a", "乙。")], directory)
    assert (summary.full, summary.generation) == (True, "gen-000003")  # an older format
    assert _marker(directory) == [publish.MARKER_FORMAT, "gen-000002", "gen-000003"]
    assert sorted(p.name for p in directory.iterdir()) == [
        publish.LOCK, publish.MARKER, "CURRENT", "gen-000002", "gen-000003"]


def test_an_adopted_index_keeps_cleaning_up_its_killed_builds(tmp_path, make_report):
    directory = tmp_path / "index"
    index.index_reports([make_report("a", "甲。")], directory)
    with publish.building(directory, None):  # a run of the old version killed midway
        pass
    _as_made_before_the_marker(directory)
    assert (directory / ".build-gen-000002").is_dir()
    assert index.index_reports([make_report("a", "乙。")], directory).generation == "gen-000002"
    assert sorted(p.name for p in directory.iterdir()) == [  # the killed build is gone
        publish.LOCK, publish.MARKER, "CURRENT", "gen-000001", "gen-000002"]


def test_a_folder_whose_current_names_no_index_of_ours_is_refused(tmp_path):
    (tmp_path / "CURRENT").write_text("gen-000001\n")
    (tmp_path / "gen-000001").mkdir()
    (tmp_path / "gen-000001" / "meta.json").write_text('{"not": "ours"}')
    with pytest.raises(IndexRefused):
        index.reindex([SEEDS], tmp_path)
