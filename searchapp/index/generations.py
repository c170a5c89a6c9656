"""Index generations on disk: build aside, publish atomically, never touch what readers use.

Layout of an index directory:
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

from searchapp.errors import IndexBusy

CURRENT = "CURRENT"
LOCK = ".lock"
BUILD_PREFIX = ".build-"
_GEN = re.compile(r"gen-(\d{6,})")
KEEP = 2  # the published generation and the one before it (readers may still hold it)
LOCK_WAIT = 10.0  # seconds a second reindex waits for the first before giving up


@contextmanager
def writer_lock(index_dir: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the directory's build lock; give up after `wait` seconds with a clear message."""
    wait = LOCK_WAIT if wait is None else wait
    index_dir.mkdir(parents=True, exist_ok=True)
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


def current(index_dir: Path) -> Path | None:
    """The published generation, or None if nothing was ever published."""
    try:
        name = (index_dir / CURRENT).read_text(encoding="ascii").strip()
    except (OSError, UnicodeError):
        return None
    path = index_dir / name
    return path if _GEN.fullmatch(name) and path.is_dir() else None


def generations(index_dir: Path) -> list[Path]:
    """Complete generations on disk, oldest first."""
    if not index_dir.is_dir():
        return []
    found = (p for p in index_dir.iterdir() if _GEN.fullmatch(p.name) and p.is_dir())
    return sorted(found, key=_number)


def _number(generation: Path) -> int:
    return int(_GEN.fullmatch(generation.name)[1])


def clean_stale(index_dir: Path) -> None:
    """Remove what killed runs left: half-built and never-published generations.

    Call only while holding the lock. A generation newer than CURRENT was
    renamed into place but its run died before switching CURRENT to it.
    """
    for path in index_dir.glob(BUILD_PREFIX + "*"):
        shutil.rmtree(path, ignore_errors=True)
    published = current(index_dir)
    for path in generations(index_dir):
        if published is None or _number(path) > _number(published):
            shutil.rmtree(path, ignore_errors=True)


@contextmanager
def building(index_dir: Path, base: Path | None) -> Iterator[Path]:
    """A fresh build directory (hard links of `base` if given), removed if the build fails."""
    numbers = [_number(p) for p in generations(index_dir)]
    build = index_dir / f"{BUILD_PREFIX}gen-{max(numbers, default=0) + 1:06d}"
    build.mkdir()
    try:
        if base is not None:
            _link_tree(base, build)
        yield build
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise


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


FORMAT = 4  # bump whenever the schema, the analysis (normalize, tokenizers) or these files change


def read_meta(generation: Path) -> dict | None:
    """meta.json of a generation, or None when it is missing, damaged or of another format."""
    try:
        meta = json.loads((generation / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) and meta.get("format") == FORMAT else None
