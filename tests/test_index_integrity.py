"""Integrity: every file of a generation has its size and sha256 in meta.json. Opening checks
the sizes (a damaged index is an error, never wrong hits), `searchapp check` and an incremental
reindex check the hashes; the CLI says it in one line, the web with its 503 page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import hang_detector, run_cli

from searchapp.config import Settings
from searchapp.errors import IndexDamaged
from searchapp.index import build as index
from searchapp.index import generations as publish
from searchapp.index import integrity
from searchapp.index.read import Index
from searchapp.model import Query
from searchapp.search import searching
from searchapp.web import create_app

SEEDS = Path(__file__).parents[1] / "seeds"
DAMAGED = ("Error: the index in {dir} is incomplete or damaged: run `searchapp reindex --full` "
           "to rebuild it")
CHECK_FAILED = ("Error: the index in {dir} is incomplete or damaged ({problems}): "
                "run `searchapp reindex --full` to rebuild it")
# the files a reader holds, by how their names end (segment and part names are random)
GARBLED = ["_stored.col", ".trm", ".pst", "_MAIN_0.toc", "offsets.npy", "heading_level.npy",
           "grams1.keys.npy", "grams2.docs.npy", "grams2.counts.npy", "bodies.u16",
           "values.json", "live.npy", "whole.year.npy", "whole.json", "synonyms.json",
           "reports.json"]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("integrity")
    shutil.copytree(SEEDS, root / "corpus")
    index.reindex([root / "corpus"], root / "index")
    return root / "corpus", root / "index"


@pytest.fixture
def copy(pristine: tuple[Path, Path], tmp_path: Path) -> Path:
    """A copy of the pristine index, to damage."""
    shutil.copytree(pristine[1], tmp_path / "index")
    return tmp_path / "index"


def _file(index_dir: Path, ending: str) -> Path:
    generation = publish.current(index_dir)
    [found] = [p for p in generation.rglob("*") if p.name.endswith(ending)]
    return found


def _garble_in_place(path: Path) -> None:
    """Same size, other bytes: what only a hash notices."""
    data = bytearray(path.read_bytes())
    for at in range(len(data) // 3, min(len(data), len(data) // 3 + 8)):
        data[at] ^= 0x5A
    path.write_bytes(bytes(data))




def _hits(index_dir: Path, q: str = "营商环境") -> list[tuple[str, int]]:
    return [(h.doc, h.paragraph)
            for h in searching.run(Index(index_dir), Query(q=q, per_page=100)).hits]


def test_meta_lists_every_file_of_a_full_and_an_incremental_build(pristine, tmp_path):
    shutil.copytree(pristine[0], tmp_path / "corpus")
    directory = tmp_path / "index"
    index.reindex([tmp_path / "corpus"], directory)
    (tmp_path / "corpus" / "new.txt").write_text("某县2024年政府工作报告\n\n优化营商环境。\n",
                                                 encoding="utf-8")
    assert not index.reindex([tmp_path / "corpus"], directory).full
    generation = publish.current(directory)
    files = json.loads((generation / "meta.json").read_text())["files"]
    on_disk = sorted(p.relative_to(generation).as_posix() for p in generation.rglob("*")
                     if p.is_file() and p.name != "meta.json")
    assert sorted(files) == on_disk
    assert len([f for f in on_disk if f.endswith("bodies.u16")]) == 2  # the linked part too
    assert files == {f: [(generation / f).stat().st_size, integrity.digest(generation / f)]
                     for f in on_disk}


def test_truncated_bodies_are_an_error_never_wrong_hits(copy, pristine):
    bodies = _file(copy, "bodies.u16")
    data = bodies.read_bytes()
    bodies.write_bytes(data[:len(data) // 4 * 2])  # still whole code units: it reads
    with pytest.raises(IndexDamaged, match=r"damaged: run `searchapp reindex --full`"):
        searching.run(Index(copy), Query(q="发展"))
    result = run_cli("search", "发展", "--index", copy)
    assert (result.exit_code, result.output.strip()) == (1, DAMAGED.format(dir=copy))


@pytest.mark.parametrize("ending", GARBLED)
def test_a_garbled_file_is_one_line_in_the_cli_and_503_on_the_web(copy, ending, tmp_path):
    _file(copy, ending).write_bytes(b"\x00garbage")
    result = run_cli("search", "营商环境", "--index", copy)
    assert (result.exit_code, result.output.strip()) == (1, DAMAGED.format(dir=copy))
    app = create_app(Settings(index_dir=copy, instance_dir=tmp_path / "instance"))
    for url in ("/search?q=营商环境", "/api/search?q=营商环境"):
        assert app.test_client().get(url).status_code == 503


@pytest.mark.parametrize("ending", GARBLED)
def test_check_names_a_file_garbled_in_place_and_search_never_fails_badly(copy, ending,
                                                                          tmp_path):
    path = _file(copy, ending)
    relative = path.relative_to(publish.current(copy)).as_posix()
    _garble_in_place(path)
    result = run_cli("check", "--index", copy)
    assert (result.exit_code, result.output.strip()) == (1, CHECK_FAILED.format(
        dir=copy, problems=f"{relative} has other content than was written"))
    searched = run_cli("search", "营商环境", "--index", copy)
    assert searched.exit_code == 0 or searched.output.strip() == DAMAGED.format(dir=copy)
    app = create_app(Settings(index_dir=copy, instance_dir=tmp_path / "instance"))
    assert app.test_client().get("/search?q=营商环境").status_code in (200, 503)


def test_check_says_ok_with_the_counts(copy):
    meta = json.loads((publish.current(copy) / "meta.json").read_text())
    size = sum(size for size, _ in meta["files"].values()) / 2**20
    result = run_cli("check", "--index", copy)
    assert (result.exit_code, result.output.strip()) == (0, (
        f"OK: {copy} (gen-000001): 2 reports, 191 paragraphs; {len(meta['files'])} files, "
        f"{size:.1f} MB, sizes and sha256 as written"))


def test_check_names_missing_files_and_says_when_there_is_no_index(copy, tmp_path):
    meta = json.loads((publish.current(copy) / "meta.json").read_text())
    _file(copy, "live.npy").unlink()
    (publish.current(copy) / "reports.json").write_text("{}")
    assert run_cli("check", "--index", copy).output.strip() == CHECK_FAILED.format(
        dir=copy, problems=f"reports.json has 2 bytes, {meta['files']['reports.json'][0]} "
                           "expected; store/live.npy is missing")
    result = run_cli("check", "--index", tmp_path / "nothing")
    assert (result.exit_code, result.output.strip()) == (
        1, f"Error: no search index in {tmp_path / 'nothing'}: run `searchapp reindex` to build it")


def test_a_garbled_meta_json_is_damage_not_another_version(copy):
    (publish.current(copy) / "meta.json").write_text('{"format": 5, "repo')
    result = run_cli("search", "营商环境", "--index", copy)
    assert (result.exit_code, result.output.strip()) == (1, DAMAGED.format(dir=copy))


def test_an_incremental_reindex_over_a_damaged_generation_rebuilds_it_in_full(copy, pristine):
    expected = _hits(pristine[1])
    bodies = _file(copy, "bodies.u16")
    _garble_in_place(bodies)  # a size check cannot see this
    summary = index.reindex([pristine[0]], copy)
    assert (summary.full, summary.generation, summary.warnings[0]) == (True, "gen-000002", (
        f"the index in {copy} was damaged ({bodies.relative_to(copy / 'gen-000001').as_posix()} "
        "has other content than was written); so it was rebuilt in full"))
    assert run_cli("check", "--index", copy).exit_code == 0
    assert _hits(copy) == expected


def test_an_incremental_reindex_over_a_sound_generation_stays_incremental(copy, pristine):
    assert not index.reindex([pristine[0]], copy).full


@pytest.mark.parametrize("full", [False, True], ids=["incremental", "full"])
def test_a_toc_garbled_in_place_is_never_unpickled(copy, pristine, full):
    """Whoosh's TOC is a pickle: a garbled one can run for minutes (200 s here) before it
    fails. Opening and reindexing check its hash first."""
    _garble_in_place(_file(copy, ".toc"))
    with hang_detector(60):
        with pytest.raises(IndexDamaged):
            Index(copy).generation()
        summary = index.reindex([pristine[0]], copy, full=full)
    assert (summary.full, summary.added) == (True, 2)
    assert _hits(copy) == _hits(pristine[1])
