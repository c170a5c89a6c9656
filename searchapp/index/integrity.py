"""Integrity of a generation: the size and sha256 of each of its files, kept in its meta.json.

Why: a generation that lost data (a full disk, a truncated copy, a half-restored backup)
still opens, and answers with wrong hits: half a bodies.txt shifts every offset after the
cut (43 hits for a query that has 36). So the build records every file (hard-linked ones
of an incremental build too) and readers check them:
  * opening a generation (read.py) compares the sizes: a stat per file, every time; and
    the hashes of the small files (up to OPEN_HASH_BYTES: JSON sidecars, small parts'
    arrays; a few ms in all) and of the Whoosh TOC, which Whoosh unpickles as it opens (a
    garbled pickle can run for minutes);
  * `searchapp check`, and an incremental reindex before it builds on a generation,
    compare the hashes: they read every byte (about 1 s per GB).
meta.json itself is not listed (it holds the list); a damaged one does not parse, or
lists files that no longer match.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from searchapp.errors import IndexDamaged

META = "meta.json"
_CHUNK = 1 << 20
OPEN_HASH_BYTES = 1 << 16  # files up to this size are hashed at every opening too (at 1 MB
#                            a 200x generation's per-paragraph columns were: 0.15 s a start)
_MAX_NAMED = 5  # damaged files named in a message; the rest are counted

Files = dict[str, list]  # relative path (posix) -> [size, sha256 hex]


def damaged(directory: Path, problems: list[str] | None = None) -> IndexDamaged:
    """The one error for an index whose files do not match what its build recorded."""
    detail = f" ({summary(problems)})" if problems else ""
    return IndexDamaged(f"the index in {directory} is incomplete or damaged{detail}: "
                        "run `searchapp reindex --full` to rebuild it")


def summary(problems: list[str]) -> str:
    """The first few problems, and how many more: one line whatever the damage."""
    more = len(problems) - _MAX_NAMED
    return "; ".join(problems[:_MAX_NAMED]) + (f"; and {more} more" if more > 0 else "")


def record(generation: Path, base: Path | None = None, known: Files | None = None) -> Files:
    """Size and sha256 of every file of `generation` (being built); a file that is a hard
    link of the same file of `base`, whose hashes `known` lists and were just verified,
    is not read again."""
    files = {}
    for relative in _listing(generation):
        path = generation / relative
        info = path.stat()
        old = (known or {}).get(relative)
        if base is not None and old is not None and _same_inode(info, base / relative) \
                and old[0] == info.st_size:
            files[relative] = [info.st_size, old[1]]
        else:
            files[relative] = [info.st_size, digest(path)]
    return files


def recorded(meta: dict) -> Files:
    """The file list of a generation's meta (ValueError when there is none to trust)."""
    files = meta.get("files")
    if not isinstance(files, dict) or not files or not all(
            isinstance(v, list) and len(v) == 2 for v in files.values()):
        raise ValueError("meta.json lists no files")
    return files


def size_problems(generation: Path, files: Files) -> list[str]:
    """Files missing or of another size than recorded: cheap, a stat each."""
    return [problem for relative, (size, _) in sorted(files.items())
            if (problem := _size_problem(generation, relative, size))]


def opening_problems(generation: Path, files: Files) -> list[str]:
    """What opening checks: every size, and the hashes of small files and of the TOC."""
    problems = size_problems(generation, files)
    small = {relative: entry for relative, entry in files.items()
             if entry[0] <= OPEN_HASH_BYTES or relative.endswith(".toc")}
    return problems or hash_problems(generation, small)


def hash_problems(generation: Path, files: Files) -> list[str]:
    """Files missing, of another size or with other content than recorded: reads them all."""
    problems = []
    for relative, (size, sha256) in sorted(files.items()):
        problem = _size_problem(generation, relative, size)
        if problem is None and _digest_or_none(generation / relative) != sha256:
            problem = f"{relative} has other content than was written"
        if problem:
            problems.append(problem)
    return problems


def _size_problem(generation: Path, relative: str, size: int) -> str | None:
    try:
        actual = (generation / relative).stat().st_size
    except OSError:
        return f"{relative} is missing"
    return f"{relative} has {actual} bytes, {size} expected" if actual != size else None


def digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            sha.update(chunk)
    return sha.hexdigest()


def _digest_or_none(path: Path) -> str | None:
    try:
        return digest(path)
    except OSError:
        return None


def _listing(generation: Path) -> Iterator[str]:
    """The files a generation is made of, as paths relative to it, sorted."""
    for path in sorted(generation.rglob("*")):
        name = path.name
        if path.is_file() and name != META and "LOCK" not in name \
                and not name.endswith(".tmp"):
            yield path.relative_to(generation).as_posix()


def _same_inode(info: os.stat_result, other: Path) -> bool:
    try:
        theirs = other.stat()
    except OSError:
        return False
    return (info.st_ino, info.st_dev) == (theirs.st_ino, theirs.st_dev)


def verify_touched(generation: Path, meta: dict) -> list[str]:
    """What an incremental reindex checks before building on a generation: every size, and
    the hash of every file modified after the generation's meta.json was written (its
    files never change once published, so a later mtime means something wrote to it).
    Reading all of a large index each time cost a second per GB; damage that leaves the
    mtime alone (a failing disk) is what `searchapp check` reads every byte for."""
    try:
        files = recorded(meta)
        written = (generation / META).stat().st_mtime_ns
    except (ValueError, OSError):
        return [f"{META} lists no files"]
    problems = size_problems(generation, files)
    if problems:
        return problems
    touched = {relative: entry for relative, entry in files.items()
               if _modified_after(generation / relative, written)}
    return hash_problems(generation, touched)


def _modified_after(path: Path, written: int) -> bool:
    try:
        return path.stat().st_mtime_ns > written
    except OSError:
        return True


def verify(generation: Path, meta: dict) -> list[str]:
    """hash_problems of a generation from its meta (a meta without a file list is one)."""
    try:
        files = recorded(meta)
    except ValueError:
        return [f"{META} lists no files"]
    return hash_problems(generation, files)
