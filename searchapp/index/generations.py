"""Index generations on disk: build aside, publish atomically, never touch what readers use.

Layout of an index directory:
    .searchapp-index  the marker: "this folder is a searchapp index", then the generations
                      this index created, one per line (only those are ever deleted)
    CURRENT           name of the published generation, replaced with os.replace
    gen-000007/       a complete, immutable index (Whoosh files + our JSON sidecars)
    .build-gen-000008 the generation being built; renamed to gen-000008 when complete
    .lock             flock()ed by the one process allowed to build

A reader resolves CURRENT and opens that generation; nothing in a published
generation is ever modified (an incremental build starts from hard links, and
every file we or Whoosh write there is a new inode). A reindex killed at any
point leaves CURRENT on the old, complete generation; the leftovers (.build-*)
are removed by the next reindex, which holds the lock. The kernel drops a flock
when its process dies, so a killed run never leaves a stale lock behind.

An index directory protects what else may be in it: reindex writes only into a new
or empty folder, or one holding the marker (an index of an older version, recognised
by CURRENT naming a generation with our meta.json, is adopted: the marker is written);
`--index ""` or `/` is refused. A generation is entered in the marker before its build
folder is made, and cleaning removes only entries of the marker, never a folder that
merely looks like ours (gen-000042 copied in by hand, .build-cache). The corpus walk
(ingest/corpus.py) skips folders holding the marker, so an index inside a corpus is
not read as reports.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from searchapp.errors import IndexBusy, IndexRefused

CURRENT = "CURRENT"
LOCK = ".lock"
MARKER = ".searchapp-index"  # ingest/corpus.py INDEX_MARKER is the same name
MARKER_FORMAT = "searchapp index, marker format 1"  # the marker's first line
BUILD_PREFIX = ".build-"
_GEN = re.compile(r"gen-(\d{6,})")
_BUILD = re.compile(re.escape(BUILD_PREFIX) + r"gen-(\d{6,})")
KEEP = 2  # the published generation and the one before it (readers may still hold it)
LOCK_WAIT = 10.0  # seconds a second reindex waits for the first before giving up


@contextmanager
def writer_lock(index_dir: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the directory's build lock; give up after `wait` seconds with a clear message."""
    wait = LOCK_WAIT if wait is None else wait
    claim(index_dir)
    fd = os.open(index_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, index_dir, time.monotonic() + wait)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def _acquire(fd: int, index_dir: Path, deadline: float) -> None:
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                raise IndexBusy(f"another reindex (pid {holder}) is updating {index_dir}; "
                                "wait for it to finish, then run `searchapp reindex` again"
                                ) from None
            time.sleep(0.1)


def claim(index_dir: Path) -> None:
    """Make `index_dir` an index directory, or check that it is one (IndexRefused if not):
    created with the marker when new or empty, adopted when an older version made it."""
    if not index_dir.parts:
        raise IndexRefused('the index directory is "" (the current directory): '
                           "pass --index DIR, e.g. --index index")
    if index_dir.resolve() == Path(index_dir.resolve().anchor):
        raise IndexRefused(f"{index_dir} is the filesystem root, not an index directory: "
                           "pass --index DIR, e.g. --index index")
    index_dir.mkdir(parents=True, exist_ok=True)
    if (index_dir / MARKER).is_file():
        return
    adopted = _adoptable(index_dir)
    if adopted is None and any(not _ignorable(p.name) for p in index_dir.iterdir()):
        raise IndexRefused(f"{index_dir} is not empty and is not a searchapp index (it has no "
                           f"{MARKER}): pass --index a new or empty directory")
    tmp = index_dir / f"{MARKER}.{os.getpid()}.tmp"
    _write_synced(tmp, _marker_text(adopted or []))
    try:
        os.link(tmp, index_dir / MARKER)  # never replaces a marker another process wrote
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(index_dir)


PLACEHOLDERS = (".gitkeep", ".keep", "README", "README.md", "README.txt")  # of an empty dir


def _ignorable(name: str) -> bool:
    """What a folder may hold and still count as empty: its lock, a marker being written,
    and the placeholder a repository keeps in an empty directory (the project's own
    `index/.gitkeep`)."""
    return name == LOCK or name.startswith(MARKER) or name in PLACEHOLDERS


def _adoptable(index_dir: Path) -> list[str] | None:
    """The generations of an index made before the marker existed: CURRENT names one with
    our meta.json (of any format). Kept: those, and builds newer than CURRENT (left by a
    killed run). None when the folder is not such an index."""
    published = current(index_dir)
    if published is None or not _our_meta(published):
        return None
    names = [p.name for p in index_dir.iterdir() if _GEN.fullmatch(p.name) and _our_meta(p)]
    names += [p.name[len(BUILD_PREFIX):] for p in index_dir.iterdir()
              if (m := _BUILD.fullmatch(p.name)) and int(m[1]) > _number(published)]
    return sorted(set(names), key=lambda name: int(_GEN.fullmatch(name)[1]))


def _our_meta(generation: Path) -> bool:
    try:
        meta = json.loads((generation / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and isinstance(meta.get("format"), int) and \
        isinstance(meta.get("reports"), dict)


def _marker_text(names: list[str]) -> str:
    return "".join(line + "\n" for line in [MARKER_FORMAT, *names])


def _recorded(index_dir: Path) -> list[str]:
    """The generations this index created (whether still there or not), from the marker."""
    try:
        lines = (index_dir / MARKER).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeError):
        return []
    return [line for line in lines[1:] if _GEN.fullmatch(line)]


def _record(index_dir: Path, names: list[str]) -> None:
    """Rewrite the marker's list (only while holding the lock), durably: a generation is
    entered before its build folder is made, so a killed run's folder is always listed."""
    if names != _recorded(index_dir):
        tmp = index_dir / f"{MARKER}.tmp"
        _write_synced(tmp, _marker_text(names))
        os.replace(tmp, index_dir / MARKER)
        _fsync_dir(index_dir)


def _write_synced(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


def current(index_dir: Path) -> Path | None:
    """The published generation, or None if nothing was ever published."""
    try:
        name = (index_dir / CURRENT).read_text(encoding="ascii").strip()
    except (OSError, UnicodeError):
        return None
    path = index_dir / name
    return path if _GEN.fullmatch(name) and path.is_dir() else None


def generations(index_dir: Path) -> list[Path]:
    """Complete generations on disk that this index created, oldest first."""
    found = (index_dir / name for name in _recorded(index_dir))
    return sorted((p for p in found if p.is_dir()), key=_number)


def _number(generation: Path) -> int:
    return int(_GEN.fullmatch(generation.name)[1])


def clean_stale(index_dir: Path) -> None:
    """Remove what killed runs left: half-built and never-published generations.

    Call only while holding the lock. A generation newer than CURRENT was
    renamed into place but its run died before switching CURRENT to it.
    Only generations the marker lists are touched.
    """
    published = current(index_dir)
    for name in _recorded(index_dir):
        shutil.rmtree(index_dir / (BUILD_PREFIX + name), ignore_errors=True)
        if published is None or int(_GEN.fullmatch(name)[1]) > _number(published):
            shutil.rmtree(index_dir / name, ignore_errors=True)
    _forget_deleted(index_dir)


def _forget_deleted(index_dir: Path) -> None:
    _record(index_dir, [name for name in _recorded(index_dir)
                        if (index_dir / name).exists()
                        or (index_dir / (BUILD_PREFIX + name)).exists()])


@contextmanager
def building(index_dir: Path, base: Path | None) -> Iterator[Path]:
    """A fresh build directory (hard links of `base` if given), removed if the build fails."""
    name = f"gen-{_next_number(index_dir):06d}"
    _record(index_dir, [*_recorded(index_dir), name])
    build = index_dir / (BUILD_PREFIX + name)
    build.mkdir()
    try:
        if base is not None:
            _link_tree(base, build)
        yield build
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise


def _next_number(index_dir: Path) -> int:
    """Above every generation or build folder there is, ours or not, and every one listed."""
    names = [p.name for p in index_dir.iterdir()] + _recorded(index_dir)
    numbers = [int(m[1]) for name in names if (m := _GEN.fullmatch(name) or
                                                 _BUILD.fullmatch(name))]
    return max(numbers, default=0) + 1


def _link_tree(source: Path, target: Path) -> None:
    for path in source.iterdir():
        if "LOCK" in path.name or not path.is_file():
            continue  # a Whoosh lock file belongs to the process that made it
        try:
            os.link(path, target / path.name)
        except OSError:  # another filesystem, or no hard links: copy instead
            shutil.copy2(path, target / path.name)


def publish(index_dir: Path, build: Path) -> Path:
    """Make `build` the published generation, durably, and drop generations no one needs."""
    _fsync_tree(build)
    final = index_dir / build.name[len(BUILD_PREFIX):]
    os.rename(build, final)
    pointer = index_dir / f"{CURRENT}.tmp"
    with open(pointer, "w", encoding="ascii") as f:
        f.write(final.name + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(pointer, index_dir / CURRENT)
    _fsync_dir(index_dir)
    _collect(index_dir, final)
    return final


def _collect(index_dir: Path, published: Path) -> None:
    for old in generations(index_dir)[:-KEEP]:
        if old != published:
            shutil.rmtree(old, ignore_errors=True)
    _forget_deleted(index_dir)


def _fsync_tree(path: Path) -> None:
    for child in path.iterdir():
        fd = os.open(child, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    _fsync_dir(path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json_atomic(path: Path, text: str) -> None:
    """Write via a new inode, so a hard-linked copy in an older generation is never changed."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


FORMAT = 8  # bump whenever the schema, the analysis (normalize, tokenizers) or these files change
#            5: meta.json lists every file's size and sha256 (integrity.py)
#            6: the store as one .npy per array and bodies.u32 (memory-mapped), parts.json
#               an object counting the full build's parts; no stored `key` field
#            7: gram postings with occurrences (grams*.counts.npy), bodies.u16 when they
#               fit, the generation-wide columns (whole.*), the text kept once (Whoosh
#               stores nothing; originals.* and the `path` column rebuild what a hit shows)
#            8: files.marshal (with each report's metadata and the dictionary) instead of
#               files.json; a fingerprint per body in each part (fingerprints.npy)


def read_meta(generation: Path) -> dict | None:
    """meta.json of a generation, or None when it is missing, damaged or of another format."""
    try:
        meta = json.loads((generation / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) and meta.get("format") == FORMAT else None
