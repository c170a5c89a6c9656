"""Opening an index directory for searching: the `Index` handle a server or CLI keeps.

One `Index` per directory is created by `create_app` or the CLI and passed down; it
opens the published generation once, and again only when `CURRENT` names a new one,
under a lock (gunicorn's threads share it). Nothing here imports the writer: a
serving process loads the read side only.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson
from whoosh import index as whoosh_index

from searchapp.errors import IndexIncompatible, IndexMissing
from searchapp.index import columns as columns_module
from searchapp.index import generations, integrity, whole
from searchapp.index.generation import Facet, Generation
from searchapp.text.normalize import normalize
from searchapp.text.synonyms import combine, curated


class Index:
    """An index directory; `generation()` is the published generation, opened once."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._lock = threading.Lock()
        self._open: Generation | None = None

    def __repr__(self) -> str:
        return f"Index({str(self.directory)!r})"

    @property
    def opened(self) -> Generation | None:
        """The generation opened last (None before the first), without reading CURRENT."""
        return self._open

    def published(self) -> tuple:
        """Which generation CURRENT names: (path, inode, mtime) of its meta.json (IndexMissing
        when there is none); cheap: two small reads and a stat, nothing opened."""
        return _published_stamp(self.directory)

    def generation(self) -> Generation:
        """The published generation (IndexMissing / IndexIncompatible / IndexDamaged)."""
        stamp = _published_stamp(self.directory)
        with self._lock:
            if self._open is None or self._open.stamp != stamp:
                self._open = None  # let the old generation's memory go before loading
                self._open = open_generation(stamp, self.directory)
            return self._open


def _published_stamp(directory: Path) -> tuple:
    """Identifies the published generation, even if a deleted index directory is rebuilt
    under the same name; a generation can vanish between reading CURRENT and its stat."""
    for _ in range(3):
        generation = generations.current(directory)
        if generation is None:
            raise IndexMissing(f"no search index in {directory}: "
                               "run `searchapp reindex` to build it")
        try:
            info = (generation / "meta.json").stat()
        except FileNotFoundError:
            continue
        return generation, info.st_ino, info.st_mtime_ns
    raise IndexMissing(f"the index in {directory} keeps changing; try again")


def _incompatible(directory: Path) -> str:
    return (f"the index in {directory} was built by another version of searchapp: "
            "run `searchapp reindex` to rebuild it")


def open_generation(stamp: tuple, directory: Path) -> Generation:
    """The published generation, its files checked against what its build recorded (sizes;
    hashes of the small ones): a truncated or replaced file is IndexDamaged, never wrong hits."""
    path = stamp[0]
    files = _recorded_files(path, directory)
    if integrity.opening_problems(path, files):  # `searchapp check` names the files
        raise integrity.damaged(directory)
    try:
        ix = whoosh_index.open_dir(path)
    except Exception as error:  # an unpicklable schema, a TOC of same size but garbled...
        if integrity.hash_problems(path, files):  # rare: worth reading it all
            raise integrity.damaged(directory) from error
        raise IndexIncompatible(_incompatible(directory)) from error
    try:
        columns = columns_module.open_columns(path)
        reports = orjson.loads((path / "reports.json").read_bytes())  # 0.27 → 0.1 s at 200×
        mined = json.loads((path / "synonyms.json").read_text(encoding="utf-8"))
    except Exception as error:  # noqa: BLE001 - zip, zlib, JSON, numpy: all say the same
        raise integrity.damaged(directory) from error
    if not isinstance(reports, dict) or not isinstance(mined, dict):
        raise integrity.damaged(directory)
    return _assemble(ix, columns, reports, mined, stamp)


def _recorded_files(path: Path, directory: Path) -> integrity.Files:
    """The file list of the generation's meta.json; IndexIncompatible for another version's
    meta, IndexDamaged for one that does not read."""
    try:
        meta = json.loads((path / integrity.META).read_text(encoding="utf-8"))
        if not isinstance(meta, dict):
            raise ValueError("meta.json is not an object")
    except (OSError, ValueError) as error:
        raise integrity.damaged(directory) from error
    if meta.get("format") != generations.FORMAT:
        raise IndexIncompatible(_incompatible(directory))
    try:
        return integrity.recorded(meta)
    except ValueError as error:
        raise integrity.damaged(directory, [str(error)]) from error


@dataclass(frozen=True)
class Checked:
    """What `searchapp check` found in a sound index."""

    directory: Path
    generation: str
    files: int
    size: int  # bytes
    reports: int
    paragraphs: int

    def line(self) -> str:
        return (f"OK: {self.directory} ({self.generation}): {self.reports} reports, "
                f"{self.paragraphs} paragraphs; {self.files} files, "
                f"{self.size / 2**20:.1f} MB, sizes and sha256 as written")


def check(directory: Path) -> Checked:
    """Read every byte of the published generation and compare its hashes with what its
    build recorded (IndexMissing / IndexIncompatible / IndexDamaged naming the files)."""
    directory = Path(directory)
    path = _published_stamp(directory)[0]
    files = _recorded_files(path, directory)
    problems = integrity.hash_problems(path, files)
    if problems:
        raise integrity.damaged(directory, problems)
    try:
        meta = json.loads((path / integrity.META).read_text(encoding="utf-8"))
        live = np.load(path / columns_module.COLUMNS_DIR / "live.npy")
    except (OSError, ValueError) as error:
        raise integrity.damaged(directory) from error
    return Checked(directory, path.name, len(files), sum(size for size, _ in files.values()),
                   len(meta["reports"]), int(live.sum()))


def _assemble(ix: whoosh_index.Index, columns: columns_module.Columns, reports: dict,
              mined: dict[str, list[str]], stamp: tuple) -> Generation:
    """The Generation over the build's generation-wide columns (whole.py): mapped as they
    are, so opening costs the same at any size and a worker builds nothing per paragraph."""
    arrays, values = columns.whole.arrays, columns.whole.values
    facet = {name: Facet(arrays[name], values[name]) for name in whole.ID_COLUMNS}
    place = Facet(arrays["place"], [columns_module.SEP.join(map(normalize, names))
                                    for names in values["place"]])
    return Generation(
        ix=ix, columns=columns, synonyms=combine(curated(), mined),
        analyzer=ix.schema["body"].analyzer, live=np.asarray(columns.live, dtype=bool),
        live_docs=arrays["live_docs"], year=arrays["year"], date=arrays["date"],
        heading=arrays["heading"], place=place, section=facet["section"],
        level=facet["level"],
        facets={"region": Facet(arrays["region"], values["region"]),
                "year": Facet(arrays["year_id"], values["year"]), "level": facet["level"],
                "section": facet["top_section"]},
        title=facet["title"], reports=reports, stamp=stamp)
